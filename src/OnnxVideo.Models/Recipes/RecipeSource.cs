namespace OnnxVideo.Models.Recipes;

/// <summary>Where a recipe's model comes from.</summary>
internal enum RecipeSource
{
    /// <summary>Built by the zoo (<c>onnxvideo-export create --recipe</c>).</summary>
    Zoo,
    /// <summary>Exported by its own framework (e.g. <c>torch.onnx.export</c>), then given a head by <c>onnxvideo-export head</c>.</summary>
    Import,
}
