using OnnxVideo.CommandLine;
using OnnxVideo.Media;
using OnnxVideo.Models.Recipes;
using OnnxVideo.Models.Zoo;

namespace OnnxVideo.ExportTool.Commands;

/// <summary>What <c>create --recipe</c> takes from a recipe: the architecture, the clip shape and preprocessing defaults,
/// and the weights (shipped or given with --weights), checked against the recipe's SHA-256.</summary>
internal sealed record RecipeChoice(ModelRecipe Recipe, string WeightsPath)
{
    public static RecipeChoice? Resolve(string? nameOrPath, string? archFlag, string? weightsFlag)
    {
        if (nameOrPath is null)
        {
            return null;
        }
        var recipe = ModelRecipeCatalog.Find(nameOrPath);
        if (recipe.Source == RecipeSource.Import)
        {
            throw new ModelRecipeException(recipe.Path, "source",
                $"{recipe.Name} is imported, not built by the zoo: {recipe.Export}; then give it your head with 'onnxvideo-export head --model exported.onnx --classes labels.txt --out model.onnx'");
        }
        if (archFlag is not null && !string.Equals(archFlag, recipe.Architecture, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidFlagException("--arch", archFlag, $"recipe {recipe.Name} is for {recipe.Architecture}; leave --arch out");
        }
        var weights = recipe.Weights ?? throw new ModelRecipeException(recipe.Path, "weights", "the recipe names no weights; use --arch for a random-initialised model");
        var path = weightsFlag ?? weights.File ?? throw new ModelRecipeException(recipe.Path, "weights",
            $"the weights are not shipped: download {weights.Url} (license: {weights.License}) and pass the file with --weights");
        if (!File.Exists(path))
        {
            throw new UserFileException(path, "weights file not found");
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (weights.Format == "pth" ? extension is ".pth" or ".pt" : extension == ".safetensors")
        {
            ModelRecipeCatalog.Verify(recipe, path);
        }
        else
        {
            Console.Error.WriteLine($"note: {path} is not the recipe's {weights.Format} file, so its SHA-256 cannot be checked against recipe {recipe.Name}");
        }
        return new RecipeChoice(recipe, path);
    }

    /// <summary>The recipe's preprocessing over the architecture's defaults; its resize applies only at its own crop size.</summary>
    public PreprocessingContract Contract(ZooArchitecture architecture, int frames, int size)
    {
        var defaults = architecture.DefaultContract(frames, size);
        return defaults with
        {
            ResizeShortSide = size == Recipe.Size && Recipe.ResizeShortSide is { } resize ? resize : defaults.ResizeShortSide,
            Mean = Recipe.Mean ?? defaults.Mean,
            Std = Recipe.Std ?? defaults.Std,
            Sampling = Recipe.Sampling,
        };
    }
}
