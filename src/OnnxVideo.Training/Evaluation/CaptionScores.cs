namespace OnnxVideo.Training.Evaluation;

/// <summary>
/// How a captioner scores on captioned clips: BLEU-4, CIDEr-D and exact match of its captions against every
/// reference caption of each clip, and (when asked for) text-to-clip retrieval recall@K, where each clip's first
/// caption is a query ranked against all clips by the captioner's log-likelihood of it.
/// </summary>
public sealed record CaptionScores
{
    /// <summary>Clips captioned (those that failed to read are left out and listed in <see cref="Failures"/>).</summary>
    public required int Count { get; init; }
    public required double Bleu4 { get; init; }
    public required double CiderD { get; init; }
    public required double ExactMatch { get; init; }
    public double? RecallAt1 { get; init; }
    public double? RecallAt5 { get; init; }
    public double? RecallAt10 { get; init; }
    /// <summary>The first clips' generated captions next to their references.</summary>
    public IReadOnlyList<CaptionSample> Samples { get; init; } = [];
    /// <summary>"path: reason" of each clip that could not be read.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}
