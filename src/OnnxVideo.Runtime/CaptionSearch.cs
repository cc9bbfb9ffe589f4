namespace OnnxVideo.Runtime;

/// <summary>
/// How <see cref="VideoCaptioner"/> chooses the tokens: greedy (beam width 1) or beam search over
/// <see cref="BeamWidth"/> hypotheses per clip, finished hypotheses ranked by log-probability / length^<see cref="LengthPenalty"/>.
/// </summary>
public sealed record CaptionSearch
{
    public static CaptionSearch Greedy { get; } = new();

    /// <summary>1 = greedy decoding.</summary>
    public int BeamWidth { get; init; } = 1;
    /// <summary>α of the length normalisation (0 = raw log-probability, 1 = per-token average); beam search only.</summary>
    public float LengthPenalty { get; init; } = 1f;
    /// <summary>Most caption tokens (EOS not counted); null or larger than the model's maximum = the model's maximum.</summary>
    public int? MaxLength { get; init; }
    /// <summary>Decode with decoder_step.onnx and the key/value cache (false reruns decoder.onnx on the whole prefix each step).</summary>
    internal bool UseCache { get; init; } = true;

    internal void Validate()
    {
        if (BeamWidth is < 1 or > 64)
        {
            throw new InvalidInputException(nameof(BeamWidth), $"beam width must be in [1, 64] (got {BeamWidth})");
        }
        if (!float.IsFinite(LengthPenalty) || LengthPenalty < 0)
        {
            throw new InvalidInputException(nameof(LengthPenalty), $"length penalty must be a finite number >= 0 (got {LengthPenalty})");
        }
        if (MaxLength is < 1)
        {
            throw new InvalidInputException(nameof(MaxLength), $"max length must be >= 1 (got {MaxLength})");
        }
    }
}
