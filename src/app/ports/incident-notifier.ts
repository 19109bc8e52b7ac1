/** Tells the incident channel: pages a new incident, redraws its notice, follows up in its thread. */
export interface IncidentNotifier {
  page(incidentId: string): Promise<void>;
  redraw(incidentId: string): Promise<void>;
  followUp(incidentId: string, text: string): Promise<void>;
}
