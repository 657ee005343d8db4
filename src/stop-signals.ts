/**
 * The signals that stop ServerTrack gracefully: SIGTERM (service managers), SIGINT (Ctrl-C)
 * and SIGHUP (the terminal or ssh session that started it closed). Node's default for SIGHUP
 * is to die at once, with no log line and no last snapshot.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
