using System.Security.Cryptography;

namespace OnnxVideo.Models.Recipes;

/// <summary>
/// The recipe folder: <c>ONNXVIDEO_MODELS</c> when set, else the <c>models/</c> folder shipped beside the tool (a copy
/// of the repository's <c>models/</c>). A recipe is named by its file name without <c>.json</c>, or given as a path.
/// </summary>
internal static class ModelRecipeCatalog
{
    public const string FolderVariable = "ONNXVIDEO_MODELS";

    public static string Folder => Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>A recipe by path (an existing file, or anything ending in .json) or by name in <see cref="Folder"/>.</summary>
    public static ModelRecipe Find(string nameOrPath)
    {
        if (File.Exists(nameOrPath) || nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return ModelRecipeReader.Read(nameOrPath);
        }
        var file = Path.Combine(Folder, nameOrPath + ".json");
        if (nameOrPath.IndexOfAny(['/', '\\']) >= 0 || !File.Exists(file))
        {
            var known = Directory.Exists(Folder) ? string.Join(", ", Names()) : $"none: {Folder} does not exist";
            throw new UserFileException(nameOrPath, $"no such recipe (recipes in {Folder}: {known})");
        }
        return ModelRecipeReader.Read(file);
    }

    /// <summary>Every recipe in <see cref="Folder"/>, by name; a bad file throws (naming it and its field).</summary>
    public static IReadOnlyList<ModelRecipe> All() =>
        Directory.Exists(Folder) ? Names().Select(n => ModelRecipeReader.Read(Path.Combine(Folder, n + ".json"))).ToList() : [];

    private static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    /// <summary>
    /// Checks a weights file against the recipe's SHA-256 (full, or the prefix torchvision publishes in its file names);
    /// a mismatch is a <see cref="ModelRecipeException"/> naming the file, both hashes and the recipe.
    /// </summary>
    public static string Verify(ModelRecipe recipe, string weightsFile)
    {
        var weights = recipe.Weights ?? throw new ModelRecipeException(recipe.Path, "weights", "the recipe has no weights to check a file against");
        using var stream = UserFileException.Guard(weightsFile, "cannot read the weights", () => File.OpenRead(weightsFile));
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        var expected = weights.Sha256 ?? weights.Sha256Prefix;
        if (expected is null)
        {
            return sha;
        }
        if (!sha.StartsWith(expected, StringComparison.Ordinal))
        {
            var what = weights.Sha256 is null ? "SHA-256 prefix" : "SHA-256";
            throw new ModelRecipeException(weightsFile, "",
                $"SHA-256 {sha} does not match the {what} {expected} of recipe {recipe.Name} ({recipe.Path}); is it the file from {weights.Url ?? weights.File}?");
        }
        return sha;
    }
}
