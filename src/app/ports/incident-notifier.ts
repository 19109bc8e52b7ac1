/** Tells the incident channel: pages a new incident, redraws its notice, follows up in its thread. */
export interface IncidentNotifier {
  /**
   * Pages the incident once, at the latest `waitMs` milliseconds from now (default 0: now). A page asked
   * for now goes now, even if it was asked for later before.
   */
  page(incidentId: string, waitMs?: number): Promise<void>;
  redraw(incidentId: string): Promise<void>;
  followUp(incidentId: string, text: string): Promise<void>;
}
