/**
 * The release workspace's files as the use cases need them: digests of artifacts, JSON documents, and
 * reports and records written atomically. Paths are relative to the workspace.
 */
export interface ReleaseFiles {
  /** The Merkle root of the configured release artifacts; fails naming a file that cannot be read. */
  artifactRoot(): Promise<{ root: string; artifacts: Array<{ path: string; sha256: string }> }>;
  /** SHA-256 (hex) of one file's bytes. */
  sha256(path: string): Promise<string>;
  readJson(path: string): Promise<unknown>;
  /** Reads a text file, or undefined when there is none. */
  readText(path: string): Promise<string | undefined>;
  /** Writes a whole file atomically, creating its folders. */
  write(path: string, content: string): Promise<void>;
}
