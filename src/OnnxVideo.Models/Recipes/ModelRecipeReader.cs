using System.Text.Json;
using System.Text.RegularExpressions;
using OnnxVideo.Media;

namespace OnnxVideo.Models.Recipes;

/// <summary>
/// Reads and validates recipe files (<see cref="ModelRecipe"/>). Unknown fields, wrong types, out-of-range numbers,
/// malformed hashes or URLs, and shipped files that do not exist are each a <see cref="ModelRecipeException"/> naming
/// the file and the field.
/// </summary>
internal static partial class ModelRecipeReader
{
    /// <summary>Recipe files above this size are refused unread.</summary>
    public const long MaxFileBytes = 256 * 1024;

    private static readonly string[] TopFields =
        ["name", "source", "architecture", "description", "contract", "weights", "accuracy", "fineTune", "export"];

    public static ModelRecipe Read(string file)
    {
        var info = new FileInfo(file);
        if (!info.Exists)
        {
            throw new UserFileException(file, "recipe file not found");
        }
        if (info.Length > MaxFileBytes)
        {
            throw new ModelRecipeException(file, "", $"recipe file is {info.Length} bytes, above the limit of {MaxFileBytes}");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(UserFileException.Guard(file, "cannot read the recipe", () => File.ReadAllBytes(file)));
        }
        catch (JsonException e)
        {
            throw new ModelRecipeException(file, "", $"not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelRecipeException(file, "", "expected a JSON object");
            }
            return Parse(new RecipeJson(file, document.RootElement, ""), Path.GetDirectoryName(Path.GetFullPath(file))!);
        }
    }

    private static ModelRecipe Parse(RecipeJson json, string folder)
    {
        json.OnlyFields(TopFields);
        var name = json.RequiredString("name");
        if (!NamePattern().IsMatch(name))
        {
            throw json.Error("name", $"'{name}' is not a recipe name (letters, digits, '_', '-', '.')");
        }
        var source = json.RequiredString("source") switch
        {
            "zoo" => RecipeSource.Zoo,
            "import" => RecipeSource.Import,
            var other => throw json.Error("source", $"'{other}' is neither 'zoo' nor 'import'"),
        };
        var contract = json.OptionalObject("contract") ?? throw json.Error("contract", "required object is missing");
        contract.OnlyFields("frames", "size", "resizeShortSide", "mean", "std", "sampling");
        var size = contract.RequiredInt("size", 1, PreprocessingContract.MaxSide);
        var recipe = new ModelRecipe
        {
            Path = json.File,
            Name = name,
            Source = source,
            Architecture = json.RequiredString("architecture"),
            Description = json.RequiredString("description"),
            Frames = contract.RequiredInt("frames", 1, PreprocessingContract.MaxFrames),
            Size = size,
            ResizeShortSide = contract.OptionalInt("resizeShortSide", size, PreprocessingContract.MaxSide),
            Mean = contract.OptionalTriple("mean"),
            Std = contract.OptionalTriple("std"),
            Sampling = contract.OptionalString("sampling") switch
            {
                null or "uniform" => SamplingMode.UniformSegments,
                "dense" => SamplingMode.Dense,
                var other => throw contract.Error("sampling", $"'{other}' is neither 'uniform' nor 'dense'"),
            },
            Weights = json.OptionalObject("weights") is { } weights ? ParseWeights(weights, folder) : null,
            Accuracy = json.OptionalObjects("accuracy").Select(ParseAccuracy).ToList(),
            FineTuning = json.OptionalObject("fineTune") is { } fineTune ? ParseFineTuning(fineTune) : null,
            Export = json.OptionalString("export"),
        };
        if (recipe.Std is { } std && std.Any(s => s <= 0))
        {
            throw contract.Error("std", "values must be positive");
        }
        if (source == RecipeSource.Import && recipe.Export is null)
        {
            throw json.Error("export", "an imported model's recipe must say how to export it");
        }
        return recipe;
    }

    private static RecipeWeights ParseWeights(RecipeJson json, string folder)
    {
        json.OnlyFields("file", "url", "format", "sha256", "sha256Prefix", "license", "trainedOn", "classes");
        var file = json.OptionalString("file");
        if (file is not null)
        {
            if (Path.IsPathRooted(file) || file.Contains("..", StringComparison.Ordinal) || file.Contains('\\'))
            {
                throw json.Error("file", $"'{file}' must be a file name beside the recipe");
            }
            file = Path.Combine(folder, file);
            if (!File.Exists(file))
            {
                throw json.Error("file", $"'{file}' does not exist");
            }
        }
        var url = json.OptionalString("url");
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
        {
            throw json.Error("url", $"'{url}' is not an https URL");
        }
        if (file is null && url is null)
        {
            throw json.Error("file", "weights need a shipped 'file' or a 'url'");
        }
        var sha = json.OptionalString("sha256");
        if (sha is not null && (sha.Length != 64 || !HexPattern().IsMatch(sha)))
        {
            throw json.Error("sha256", $"'{sha}' is not 64 lower-case hex digits");
        }
        var prefix = json.OptionalString("sha256Prefix");
        if (prefix is not null && (!HexPattern().IsMatch(prefix) || prefix.Length is < 6 or > 64 || (sha is not null && !sha.StartsWith(prefix, StringComparison.Ordinal))))
        {
            throw json.Error("sha256Prefix", $"'{prefix}' is not 6..64 lower-case hex digits (that begin 'sha256' when both are given)");
        }
        if (file is not null && sha is null)
        {
            throw json.Error("sha256", "a shipped file needs its full SHA-256");
        }
        var format = json.RequiredString("format");
        if (format is not ("safetensors" or "pth"))
        {
            throw json.Error("format", $"'{format}' is neither 'safetensors' nor 'pth'");
        }
        return new RecipeWeights
        {
            File = file,
            Url = url,
            Format = format,
            Sha256 = sha,
            Sha256Prefix = prefix,
            License = json.RequiredString("license"),
            TrainedOn = json.RequiredString("trainedOn"),
            Classes = json.RequiredInt("classes", 1, 1_000_000),
        };
    }

    private static RecipeAccuracy ParseAccuracy(RecipeJson json)
    {
        json.OnlyFields("dataset", "top1", "top5", "source");
        return new RecipeAccuracy
        {
            Dataset = json.RequiredString("dataset"),
            Top1 = json.OptionalNumber("top1", 0, 100) ?? throw json.Error("top1", "required number is missing"),
            Top5 = json.OptionalNumber("top5", 0, 100),
            Source = json.RequiredString("source"),
        };
    }

    private static RecipeFineTuning ParseFineTuning(RecipeJson json)
    {
        json.OnlyFields("tune", "lr", "epochs", "batch", "notes");
        return new RecipeFineTuning
        {
            Tune = json.RequiredString("tune"),
            LearningRate = json.OptionalNumber("lr", 1e-9, 10) ?? throw json.Error("lr", "required number is missing"),
            Epochs = json.RequiredInt("epochs", 1, 10_000),
            Batch = json.RequiredInt("batch", 1, 4096),
            Notes = json.OptionalString("notes"),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex HexPattern();
}
