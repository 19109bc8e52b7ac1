/**
 * `run` at most once at a time. A call made while a run is going shares the next run, which starts when
 * that one ends: its answer is never older than the call, and however many call meanwhile, one more
 * run is all they cost. A run that fails fails its own callers only.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const begin = (): Promise<T> => {
    const started = Promise.resolve().then(run);
    current = started;
    const finish = () => {
      if (current === started) current = undefined;
    };
    started.then(finish, finish);
    return started;
  };
  return () => {
    if (next) return next;
    if (!current) return begin();
    // `next` stays set until the run after starts, so no call in between starts one of its own.
    next = current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = undefined;
        return begin();
      });
    return next;
  };
}
