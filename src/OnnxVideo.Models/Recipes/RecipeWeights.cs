namespace OnnxVideo.Models.Recipes;

/// <summary>Published or shipped weights of a recipe, and how to check them.</summary>
internal sealed record RecipeWeights
{
    /// <summary>A file shipped beside the recipe (full path once read), or null when the weights must be downloaded.</summary>
    public string? File { get; init; }
    /// <summary>Where the published weights come from.</summary>
    public string? Url { get; init; }
    /// <summary>File format: safetensors or pth (PyTorch's zip checkpoint).</summary>
    public required string Format { get; init; }
    /// <summary>The full SHA-256 of the file, lower-case hex, when known.</summary>
    public string? Sha256 { get; init; }
    /// <summary>A prefix of the SHA-256, as torchvision's file names carry it (<c>r3d_18-b3b3357e.pth</c>) and torch.hub checks it.</summary>
    public string? Sha256Prefix { get; init; }
    public required string License { get; init; }
    /// <summary>What the weights were trained on (e.g. Kinetics-400, the pretext task).</summary>
    public required string TrainedOn { get; init; }
    /// <summary>Classes of the weights' own head.</summary>
    public int Classes { get; init; }
}
