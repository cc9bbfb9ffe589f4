namespace OnnxVideo.Training.Continual;

/// <summary>One task of a class-incremental sequence: a name and the classes it adds.</summary>
public sealed record ContinualTask(string Name, IReadOnlyList<string> Classes);
