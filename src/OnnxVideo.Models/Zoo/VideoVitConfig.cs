namespace OnnxVideo.Models.Zoo;

/// <summary>
/// Shape of a <see cref="VideoVit"/> transformer. Defaults are VideoMAE-Small (12 blocks of width 384 with 6 heads,
/// MLP 1536, tubelet 2, patch 16, 16 frames of 224×224 by default), whose Kinetics checkpoints load unchanged.
/// </summary>
internal sealed record VideoVitConfig
{
    public int Depth { get; init; } = 12;
    /// <summary>Token width (Hugging Face <c>hidden_size</c>).</summary>
    public int Width { get; init; } = 384;
    public int Heads { get; init; } = 6;
    /// <summary>Hidden width of the MLP (Hugging Face <c>intermediate_size</c>); 0 means 4 × <see cref="Width"/>.</summary>
    public int MlpWidth { get; init; }
    public int Patch { get; init; } = 16;
    /// <summary>Frames per tubelet (temporal extent of one patch).</summary>
    public int Tubelet { get; init; } = 2;
    public VideoVitPooling Pooling { get; init; } = VideoVitPooling.Mean;
    /// <summary>Frames per clip when the caller does not say.</summary>
    public int DefaultFrames { get; init; } = 16;
    /// <summary>Input side when the caller does not say.</summary>
    public int DefaultSize { get; init; } = 224;
    /// <summary>Epsilon of the encoder's LayerNorms (Hugging Face <c>layer_norm_eps</c>).</summary>
    public float LayerNormEpsilon { get; init; } = 1e-12f;
    /// <summary>Epsilon of <c>fc_norm</c>, which VideoMAE creates with PyTorch's default.</summary>
    public float FcNormEpsilon { get; init; } = 1e-5f;

    /// <summary>
    /// Stochastic depth: block i of the residual branches is dropped per sample with probability
    /// DropPathRate · i / (Depth − 1) in training (timm's linear rule); 0 = none. Inference is unaffected.
    /// </summary>
    public float DropPathRate { get; init; }

    public int EffectiveMlpWidth => MlpWidth > 0 ? MlpWidth : 4 * Width;

    public int HeadWidth => Width / Heads;

    /// <summary>Drop probability of block <paramref name="index"/>'s residual branches.</summary>
    public float DropPathOf(int index) => Depth > 1 ? DropPathRate * index / (Depth - 1) : 0f;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that does not fit.</summary>
    public void Validate()
    {
        Require(Depth >= 1, $"depth must be >= 1 (got {Depth})");
        Require(Width >= 1 && Heads >= 1, $"width and heads must be >= 1 (got {Width}, {Heads})");
        Require(Width % Heads == 0, $"width {Width} is not a multiple of heads {Heads}");
        Require(MlpWidth >= 0, $"MLP width must be >= 0 (got {MlpWidth})");
        Require(Tubelet >= 1 && Patch >= 1, $"tubelet and patch must be >= 1 (got {Tubelet}, {Patch})");
        Require(LayerNormEpsilon > 0 && FcNormEpsilon > 0, "LayerNorm epsilons must be positive");
        Require(DropPathRate is >= 0 and < 1, $"drop-path rate must be in [0, 1) (got {DropPathRate})");
        CheckInput(DefaultFrames, DefaultSize);
    }

    /// <summary>Throws when a clip of <paramref name="frames"/> × <paramref name="size"/>² cannot be cut into tubelets.</summary>
    public void CheckInput(long frames, long size)
    {
        Require(frames >= Tubelet && frames % Tubelet == 0, $"frames {frames} must be a positive multiple of the tubelet size {Tubelet}");
        Require(size >= Patch && size % Patch == 0, $"input size {size} must be a positive multiple of the patch size {Patch}");
    }

    private static void Require(bool ok, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"video_vit: {what}");
        }
    }
}
