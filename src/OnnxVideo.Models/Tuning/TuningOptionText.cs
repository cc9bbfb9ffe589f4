using System.Globalization;
using System.Text.RegularExpressions;

namespace OnnxVideo.Models.Tuning;

/// <summary>Reads the option text of the <c>--tune</c> strategies (the part after <c>name:</c>).</summary>
internal static partial class TuningOptionText
{
    /// <summary>A '+' that starts another strategy (a name followed by ':', '+' or the end); other '+' belong to regexes.</summary>
    [GeneratedRegex(@"\+(?=\s*(head|bitfit|full|pattern|lora|adapter|prompt)\s*(:|\+|$))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StrategyBoundary();

    /// <summary>A ',' that starts another adapter option, so that a target regex may contain commas.</summary>
    [GeneratedRegex(@",(?=\s*((dim|scale|seed|target)\s*=|temporal\s*(,|$)))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AdapterOptionBoundary();

    public static IReadOnlyList<string> SplitComposite(string text) => SplitAt(StrategyBoundary(), text);

    /// <summary>The pieces of <paramref name="text"/> between the one-character separators <paramref name="boundary"/> matches.</summary>
    private static List<string> SplitAt(Regex boundary, string text)
    {
        var pieces = new List<string>();
        var start = 0;
        foreach (Match m in boundary.Matches(text))
        {
            pieces.Add(text[start..m.Index]);
            start = m.Index + 1;
        }
        pieces.Add(text[start..]);
        return pieces;
    }

    public static LoraOptions ParseLora(string text, string options)
    {
        var lora = new LoraOptions();
        var remaining = options;
        while (remaining.Length > 0)
        {
            var eq = remaining.IndexOf('=');
            if (eq <= 0)
            {
                throw new TuningSpecException(text, $"expected key=value in '{remaining}'");
            }
            var key = remaining[..eq].Trim().ToLowerInvariant();
            string value;
            if (key == "target")
            {
                value = remaining[(eq + 1)..];
                remaining = "";
            }
            else
            {
                var comma = remaining.IndexOf(',', eq);
                value = comma < 0 ? remaining[(eq + 1)..] : remaining[(eq + 1)..comma];
                remaining = comma < 0 ? "" : remaining[(comma + 1)..];
            }
            lora = key switch
            {
                "r" or "rank" => lora with { Rank = ParseInt(text, key, value) },
                "alpha" => lora with { Alpha = ParseFloat(text, key, value) },
                "dropout" => lora with { Dropout = ParseFloat(text, key, value) },
                "seed" => lora with { Seed = ParseInt(text, key, value) },
                "target" => lora with { Target = RequireRegex(text, value) },
                _ => throw new TuningSpecException(text, $"unknown LoRA option '{key}' (use r, alpha, dropout, seed, target)"),
            };
        }
        return lora;
    }

    public static AdapterOptions ParseAdapter(string text, string options)
    {
        var adapter = new AdapterOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in options.Length == 0 ? [] : SplitAt(AdapterOptionBoundary(), options))
        {
            var (key, value) = KeyValue(text, option, flags: ["temporal"]);
            if (!seen.Add(key))
            {
                throw new TuningSpecException(text, $"adapter option '{key}' given twice");
            }
            adapter = key switch
            {
                "dim" => adapter with { Dim = ParseInt(text, key, value!) },
                "scale" => adapter with { Scale = ParseFloat(text, key, value!) },
                "seed" => adapter with { Seed = ParseInt(text, key, value!) },
                "target" => adapter with { Target = RequireRegex(text, value!) },
                "temporal" => adapter with { Temporal = true },
                _ => throw new TuningSpecException(text, $"unknown adapter option '{key}' (use dim, scale, seed, target, temporal)"),
            };
        }
        return adapter;
    }

    public static PromptOptions ParsePrompt(string text, string options)
    {
        var prompt = new PromptOptions();
        foreach (var option in options.Length == 0 ? [] : options.Split(','))
        {
            var (key, value) = KeyValue(text, option, flags: ["deep", "shallow"]);
            prompt = key switch
            {
                "tokens" => prompt with { Tokens = ParseInt(text, key, value!) },
                "seed" => prompt with { Seed = ParseInt(text, key, value!) },
                "deep" => prompt with { Deep = true },
                "shallow" => prompt with { Deep = false },
                _ => throw new TuningSpecException(text, $"unknown prompt option '{key}' (use tokens, seed, deep)"),
            };
        }
        return prompt;
    }

    /// <summary>"key=value", or a bare flag (value null); anything else is refused.</summary>
    private static (string Key, string? Value) KeyValue(string text, string option, string[] flags)
    {
        var eq = option.IndexOf('=');
        if (eq < 0)
        {
            var flag = option.Trim().ToLowerInvariant();
            return flags.Contains(flag) ? (flag, null) : throw new TuningSpecException(text, $"expected key=value in '{option}'");
        }
        if (eq == 0)
        {
            throw new TuningSpecException(text, $"expected key=value in '{option}'");
        }
        var key = option[..eq].Trim().ToLowerInvariant();
        return flags.Contains(key)
            ? throw new TuningSpecException(text, $"'{key}' is a switch and takes no value")
            : (key, option[(eq + 1)..]);
    }

    private static string RequireRegex(string text, string value) =>
        value.Length == 0 ? throw new TuningSpecException(text, "target needs a regular expression") : value;

    public static int ParseInt(string text, string key, string value) =>
        int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new TuningSpecException(text, $"{key} must be an integer (got '{value}')");

    public static float ParseFloat(string text, string key, string value) =>
        float.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new TuningSpecException(text, $"{key} must be a number (got '{value}')");

    public static void CheckRegex(string text, string regex)
    {
        try
        {
            _ = new Regex(regex, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new TuningSpecException(text, $"invalid regular expression '{regex}': {e.Message}");
        }
    }
}
