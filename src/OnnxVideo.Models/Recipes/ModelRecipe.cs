using OnnxVideo.Media;

namespace OnnxVideo.Models.Recipes;

/// <summary>
/// One <c>models/&lt;name&gt;.json</c>: an architecture with its contract defaults, where its weights come from
/// (with their hash and license), their published accuracy and how to fine-tune it. Read by
/// <see cref="ModelRecipeReader"/>; <c>onnxvideo-export create --recipe</c> builds from it and <c>list</c> lists it.
/// </summary>
internal sealed record ModelRecipe
{
    /// <summary>The recipe file it was read from.</summary>
    public required string Path { get; init; }
    public required string Name { get; init; }
    public required RecipeSource Source { get; init; }
    /// <summary>The zoo architecture (for <see cref="RecipeSource.Zoo"/>) or the foreign model's name.</summary>
    public required string Architecture { get; init; }
    public required string Description { get; init; }
    public required int Frames { get; init; }
    public required int Size { get; init; }
    public int? ResizeShortSide { get; init; }
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
    public SamplingMode Sampling { get; init; } = SamplingMode.UniformSegments;
    public RecipeWeights? Weights { get; init; }
    public IReadOnlyList<RecipeAccuracy> Accuracy { get; init; } = [];
    public RecipeFineTuning? FineTuning { get; init; }
    /// <summary>For imported models: how to export them to ONNX.</summary>
    public string? Export { get; init; }
}
