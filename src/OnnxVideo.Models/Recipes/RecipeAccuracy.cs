namespace OnnxVideo.Models.Recipes;

/// <summary>A published (or, for the project's own checkpoints, measured) accuracy of the recipe's weights.</summary>
internal sealed record RecipeAccuracy
{
    public required string Dataset { get; init; }
    /// <summary>Top-1 in percent.</summary>
    public double Top1 { get; init; }
    /// <summary>Top-5 in percent, when published.</summary>
    public double? Top5 { get; init; }
    /// <summary>Who reports it and how it was measured.</summary>
    public required string Source { get; init; }
}
