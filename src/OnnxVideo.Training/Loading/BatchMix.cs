namespace OnnxVideo.Training.Loading;

/// <summary>
/// How one batch is mixed with its reverse (sample i with sample N−1−i): <see cref="Lambda"/> is the share of each
/// sample's own clip and label (1 = unmixed); with CutMix, rows [Top, Bottom) and columns [Left, Right) of every frame
/// come from the partner and λ = 1 − box area / frame area.
/// </summary>
public sealed record BatchMix(double Lambda, bool UseCutmix, int Top = 0, int Bottom = 0, int Left = 0, int Right = 0)
{
    public static readonly BatchMix None = new(1.0, false);

    public bool IsMixed => Lambda < 1.0;
}
