namespace OnnxVideo.Models.Recipes;

/// <summary>A recipe's suggested fine-tuning settings (for <c>onnxvideo-export package</c> and <c>onnxvideo train</c>).</summary>
internal sealed record RecipeFineTuning
{
    /// <summary>A <c>--tune</c> value: head, bitfit, lora:…, pattern:…, full.</summary>
    public required string Tune { get; init; }
    public double LearningRate { get; init; }
    public int Epochs { get; init; }
    public int Batch { get; init; }
    public string? Notes { get; init; }
}
