using OnnxVideo.Training.Loading;

namespace OnnxVideo.Training.FewShot;

/// <summary>
/// Mean query accuracy over the episodes with its 95 % confidence interval, 1.96 · std / √episodes (std the sample
/// standard deviation of the per-episode accuracies), as few-shot papers report it.
/// </summary>
public sealed record EpisodeResult(int Episodes, int Ways, int Shots, int Queries, double MeanAccuracy, double StdDev, double Ci95,
    int Clips, IReadOnlyList<ClipFailure> Failures);
