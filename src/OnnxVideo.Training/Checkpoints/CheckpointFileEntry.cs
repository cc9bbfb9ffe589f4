namespace OnnxVideo.Training.Checkpoints;

/// <summary>A file of a checkpoint as recorded in its manifest: size and SHA-256 (lower-case hex).</summary>
internal sealed record CheckpointFileEntry(long Bytes, string Sha256);
