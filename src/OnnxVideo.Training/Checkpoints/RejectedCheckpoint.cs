namespace OnnxVideo.Training.Checkpoints;

/// <summary>A checkpoint folder that did not verify, and why.</summary>
public sealed record RejectedCheckpoint(string Directory, long Step, string Problem)
{
    public override string ToString() => $"{Path.GetFileName(Directory)}: {Problem}";
}
