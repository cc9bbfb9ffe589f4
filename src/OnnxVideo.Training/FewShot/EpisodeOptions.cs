namespace OnnxVideo.Training.FewShot;

/// <summary>N-way k-shot episodes: <see cref="Ways"/> classes drawn per episode, <see cref="Shots"/> support and <see cref="Queries"/> query clips per class.</summary>
public sealed record EpisodeOptions
{
    public int Episodes { get; init; } = 100;
    public int Ways { get; init; } = 5;
    public int Shots { get; init; } = 1;
    public int Queries { get; init; } = 5;
    public int Seed { get; init; }
    public FewShotMetric Metric { get; init; } = FewShotMetric.Cosine;
}
