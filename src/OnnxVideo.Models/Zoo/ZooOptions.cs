namespace OnnxVideo.Models.Zoo;

/// <summary>How to build a zoo model.</summary>
internal sealed record ZooOptions
{
    /// <summary>Outputs of the classification head.</summary>
    public int Classes { get; init; } = 400;
    /// <summary>Frames per clip (T); null takes the architecture's default.</summary>
    public int? Frames { get; init; }
    /// <summary>Side of the square input crop (S); null takes the architecture's default.</summary>
    public int? Size { get; init; }
    /// <summary>A safetensors file or PyTorch checkpoint (.pth/.pt state dict) with every parameter under the architecture's names; null initialises randomly.</summary>
    public string? WeightsPath { get; init; }
    /// <summary>
    /// With <see cref="WeightsPath"/>: keep the file's backbone but initialise a new classification head (randomly,
    /// from <see cref="Seed"/>) for <see cref="Classes"/>, ignoring the file's head, e.g. Kinetics-400 weights for your own labels.
    /// </summary>
    public bool NewHead { get; init; }
    /// <summary>Seed of the random initialisation.</summary>
    public int Seed { get; init; }
    /// <summary>Also expose the penultimate activations as the output <c>features</c> [N, F].</summary>
    public bool FeaturesOutput { get; init; }
    /// <summary>Stochastic depth rate of transformer architectures (video_vit); 0 = none.</summary>
    public float DropPathRate { get; init; }
}
