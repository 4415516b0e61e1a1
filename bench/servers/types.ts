/** What the workload needs from a server under test. */
import type { Item } from '../data/dataset.js';

export type ServerId = 'kalends' | 'xandikos' | 'radicale';

export interface RunningServer {
  origin: string;
  pid: number;
  /** Collection paths (with trailing slash) the workload creates and fills. */
  calPath: string;
  bookPath: string;
  /** Directories holding the two collections on disk, and the whole data directory. */
  calDir: string;
  bookDir: string;
  dataDir: string;
  authorization?: string;
  /** Last lines of the server's output, for error messages. */
  tail(): string;
  /** Error reports the server wrote (Kalends logs every 5xx with its stack), to show after a repetition. */
  errors(): string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  id: ServerId;
  label: string;
  /** A version string when the server can run here, or an Error saying why not. */
  probe(): Promise<string | Error>;
  /**
   * Start on `dataDir` (created empty by the caller on first start; on a restart it holds the
   * previous run's data) and resolve once the port accepts connections.
   */
  start(dataDir: string, workDir: string): Promise<RunningServer>;
  /**
   * Write items straight into the storage of the two (existing, empty) collections while the
   * server is stopped: the --preload path for large N.
   */
  preload(srv: RunningServer, cal: readonly Item[], book: readonly Item[], workDir: string): Promise<void>;
  /** Native maintenance the bench runs with the server stopped, if the server has one. */
  maintain?(dataDir: string): Promise<void>;
}
