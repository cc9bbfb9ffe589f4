namespace OnnxVideo.Autodiff;

/// <summary>Choices between equivalent formulations of some gradient rules (A/B switches for benchmarks).</summary>
internal sealed record GradientOptions
{
    public static GradientOptions Default { get; } = new();

    /// <summary>
    /// Conv weight gradients take the per-tap Gemm form where <see cref="Rules.PerTapWeightGradient.Wins"/> says it is
    /// faster (benchmarks/README.md, lever 2); off = always the Conv of transposed input and output gradient.
    /// </summary>
    public bool PerTapConvWeightGradient { get; init; } = true;

    /// <summary>
    /// Conv weight gradients of stride-1 convs with a single tap, few output channels (LoRA's B and A) or large outputs shift dy
    /// instead of slicing x, in one batched MatMul (<see cref="Rules.ShiftedDyWeightGradient"/>); off = the forms above.
    /// </summary>
    public bool ShiftedDyConvWeightGradient { get; init; } = true;

    /// <summary>
    /// Weight gradients of strided 3-D convs that neither form above takes are one 2-D Conv over frames where
    /// <see cref="Rules.FramesAsChannelsWeightGradient.Wins"/> (lever 28); off = the 3-D Conv form.
    /// </summary>
    public bool FramesAsChannelsConvWeightGradient { get; init; } = true;
}
