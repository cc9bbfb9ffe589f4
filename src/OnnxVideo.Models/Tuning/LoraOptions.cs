namespace OnnxVideo.Models.Tuning;

/// <summary>
/// LoRA settings: W' = W + (Alpha/Rank)·B·A with A [Rank, in] drawn kaiming-uniform (as peft does) and B [out, Rank]
/// zero, on every MatMul/Gemm/ungrouped Conv weight (A [Rank, in, k…] a convolution with the base's kernel, B pointwise) whose initializer name matches <see cref="Target"/>.
/// </summary>
internal sealed record LoraOptions
{
    public int Rank { get; init; } = 8;
    public float Alpha { get; init; } = 16f;
    /// <summary>Dropout on the adapter's input during training (0 = none).</summary>
    public float Dropout { get; init; }
    /// <summary>Regular expression searched in weight names; null = every eligible weight except the head's.</summary>
    public string? Target { get; init; }
    /// <summary>Seed of the random initialisation of the A matrices.</summary>
    public int Seed { get; init; }

    public float Scale => Alpha / Rank;
}
