using System.Globalization;
using System.Text.RegularExpressions;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// A tuning strategy as written on the command line:
/// <c>head</c> | <c>pattern:&lt;regex&gt;</c> | <c>bitfit</c> | <c>lora:r=8,alpha=16,dropout=0.05,seed=0,target=&lt;regex&gt;</c> | <c>full</c>.
/// In the LoRA form <c>target</c> takes the rest of the text, so the regular expression may contain commas.
/// </summary>
internal sealed record TuningSpec
{
    public TuningKind Kind { get; init; }
    /// <summary>The regular expression of <see cref="TuningKind.Pattern"/>.</summary>
    public string? Pattern { get; init; }
    public LoraOptions? Lora { get; init; }

    public static TuningSpec Head { get; } = new() { Kind = TuningKind.Head };
    public static TuningSpec Full { get; } = new() { Kind = TuningKind.Full };
    public static TuningSpec BitFit { get; } = new() { Kind = TuningKind.BitFit };

    public static TuningSpec ForPattern(string regex)
    {
        CheckRegex($"pattern:{regex}", regex);
        return new TuningSpec { Kind = TuningKind.Pattern, Pattern = regex };
    }

    public static TuningSpec ForLora(LoraOptions options)
    {
        var text = $"lora:r={options.Rank}";
        if (options.Rank < 1)
        {
            throw new TuningSpecException(text, $"rank must be >= 1 (got {options.Rank})");
        }
        if (!(options.Alpha > 0) || !float.IsFinite(options.Alpha))
        {
            throw new TuningSpecException(text, $"alpha must be > 0 (got {options.Alpha})");
        }
        if (options.Dropout is < 0 or >= 1 || float.IsNaN(options.Dropout))
        {
            throw new TuningSpecException(text, $"dropout must be in [0, 1) (got {options.Dropout})");
        }
        if (options.Target is not null)
        {
            CheckRegex(text, options.Target);
        }
        return new TuningSpec { Kind = TuningKind.Lora, Lora = options };
    }

    public static TuningSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        var head = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var rest = colon < 0 ? null : text[(colon + 1)..];
        switch (head)
        {
            case "head" or "bitfit" or "full" when rest is not null:
                throw new TuningSpecException(text, $"'{head}' takes no options");
            case "head":
                return Head;
            case "bitfit":
                return BitFit;
            case "full":
                return Full;
            case "pattern":
                if (string.IsNullOrEmpty(rest))
                {
                    throw new TuningSpecException(text, "pattern needs a regular expression: pattern:<regex>");
                }
                CheckRegex(text, rest);
                return new TuningSpec { Kind = TuningKind.Pattern, Pattern = rest };
            case "lora":
                return ParseLora(text, rest ?? "");
            default:
                throw new TuningSpecException(text, "unknown strategy; use head, pattern:<regex>, bitfit, lora:r=8,alpha=16,target=<regex> or full");
        }
    }

    public override string ToString() => Kind switch
    {
        TuningKind.Head => "head",
        TuningKind.BitFit => "bitfit",
        TuningKind.Full => "full",
        TuningKind.Pattern => $"pattern:{Pattern}",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"lora:r={Lora!.Rank},alpha={Lora.Alpha},dropout={Lora.Dropout},seed={Lora.Seed}{(Lora.Target is null ? "" : ",target=" + Lora.Target)}"),
    };

    private static TuningSpec ParseLora(string text, string options)
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
                "target" => lora with { Target = value.Length == 0 ? throw new TuningSpecException(text, "target needs a regular expression") : value },
                _ => throw new TuningSpecException(text, $"unknown LoRA option '{key}' (use r, alpha, dropout, seed, target)"),
            };
        }
        try
        {
            return ForLora(lora);
        }
        catch (TuningSpecException e)
        {
            throw new TuningSpecException(text, e.Problem);
        }
    }

    private static int ParseInt(string text, string key, string value) =>
        int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new TuningSpecException(text, $"{key} must be an integer (got '{value}')");

    private static float ParseFloat(string text, string key, string value) =>
        float.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new TuningSpecException(text, $"{key} must be a number (got '{value}')");

    private static void CheckRegex(string text, string regex)
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
