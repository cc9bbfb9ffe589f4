namespace OnnxVideo.Training.Continual;

/// <summary>One stored clip of a rehearsal memory: its path (absolute) and its class name.</summary>
public sealed record Exemplar(string Path, string Label);
