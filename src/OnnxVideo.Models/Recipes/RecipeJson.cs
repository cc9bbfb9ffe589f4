using System.Globalization;
using System.Text.Json;

namespace OnnxVideo.Models.Recipes;

/// <summary>Typed field reads from a recipe's JSON object; every problem is a <see cref="ModelRecipeException"/> naming the file and field path.</summary>
internal sealed class RecipeJson(string file, JsonElement element, string path)
{
    public string File { get; } = file;

    public ModelRecipeException Error(string field, string problem) => new(File, Join(field), problem);

    /// <summary>Refuses fields the recipe format does not have (a misspelt optional field would otherwise be ignored).</summary>
    public void OnlyFields(params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Error(property.Name, $"unknown field (known: {string.Join(", ", known)})");
            }
        }
    }

    public string RequiredString(string field) => OptionalString(field) ?? throw Error(field, "required string is missing");

    public string? OptionalString(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw Error(field, $"expected a non-empty string, got {Describe(value)}");
        }
        return text;
    }

    public int RequiredInt(string field, int min, int max) =>
        OptionalInt(field, min, max) ?? throw Error(field, "required integer is missing");

    public int? OptionalInt(string field, int min, int max)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < min || n > max)
        {
            throw Error(field, $"expected an integer in {min}..{max}, got {Describe(value)}");
        }
        return n;
    }

    public double? OptionalNumber(string field, double min, double max)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var x) || !double.IsFinite(x) || x < min || x > max)
        {
            throw Error(field, $"expected a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}, got {Describe(value)}");
        }
        return x;
    }

    public float[]? OptionalTriple(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3
            || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())))
        {
            throw Error(field, $"expected 3 numbers, got {Describe(value)}");
        }
        return value.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
    }

    public RecipeJson? OptionalObject(string field)
    {
        if (!TryGet(field, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(field, $"expected an object, got {Describe(value)}");
        }
        return new RecipeJson(File, value, Join(field));
    }

    public IReadOnlyList<RecipeJson> OptionalObjects(string field)
    {
        if (!TryGet(field, out var value))
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(field, $"expected a list of objects, got {Describe(value)}");
        }
        return value.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.Object
            ? new RecipeJson(File, item, $"{Join(field)}[{i}]")
            : throw Error($"{field}[{i}]", $"expected an object, got {Describe(item)}")).ToList();
    }

    /// <summary>A field that is absent or null counts as not given.</summary>
    private bool TryGet(string field, out JsonElement value) =>
        element.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    private string Join(string field) => path.Length == 0 ? field : $"{path}.{field}";

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => value.GetRawText(),
    };
}
