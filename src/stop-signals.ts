/**
 * The signals that stop ServerTrack gracefully: SIGTERM (service managers), SIGINT (Ctrl-C)
 * and SIGHUP (the terminal or ssh session that started it closed). Node's default for SIGHUP
 * is to die at once, with no log line and no last snapshot.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * A cluster worker stops on SIGTERM, which is how its primary stops it. SIGINT and SIGHUP come
 * from the terminal to the whole process group, the primary included: a worker stopping on
 * them too could exit before the primary had begun to stop, and be restarted.
 */
export const WORKER_STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM'];
