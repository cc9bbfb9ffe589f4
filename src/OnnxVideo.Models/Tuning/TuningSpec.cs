using System.Globalization;
using System.Text.RegularExpressions;
using OnnxVideo.Packaging.Tuning;

namespace OnnxVideo.Models.Tuning;

/// <summary>
/// A tuning strategy as written on the command line:
/// <c>head</c> | <c>pattern:&lt;regex&gt;</c> | <c>bitfit</c> | <c>lora:r=8,alpha=16,dropout=0.05,seed=0,target=&lt;regex&gt;</c> |
/// <c>adapter:dim=64,scale=1,seed=0,target=&lt;regex&gt;,temporal</c> | <c>prompt:tokens=8,seed=0,deep</c> | <c>full</c>,
/// or parameter-efficient methods joined by <c>+</c> (<c>lora:r=8+bitfit</c>; see <see cref="Combine"/>).
/// In the LoRA form <c>target</c> takes the rest of the text, so the regular expression may contain commas; a
/// <c>+</c> splits the text only where a strategy name follows it.
/// </summary>
public sealed record TuningSpec
{
    public TuningKind Kind { get; init; }
    /// <summary>The regular expression of <see cref="TuningKind.Pattern"/>.</summary>
    public string? Pattern { get; init; }
    public LoraOptions? Lora { get; init; }
    public AdapterOptions? Adapter { get; init; }
    public PromptOptions? Prompt { get; init; }
    /// <summary>The methods of a <see cref="TuningKind.Composite"/> spec; empty otherwise.</summary>
    public IReadOnlyList<TuningSpec> Parts { get; init; } = [];

    public static TuningSpec Head { get; } = new() { Kind = TuningKind.Head };
    public static TuningSpec Full { get; } = new() { Kind = TuningKind.Full };
    public static TuningSpec BitFit { get; } = new() { Kind = TuningKind.BitFit };

    /// <summary>The single methods this spec applies: its parts, or the spec itself.</summary>
    public IReadOnlyList<TuningSpec> Components => Kind == TuningKind.Composite ? Parts : [this];

    /// <summary>The component of <paramref name="kind"/>, if any.</summary>
    public TuningSpec? Component(TuningKind kind) => Components.FirstOrDefault(p => p.Kind == kind);

    public static TuningSpec ForPattern(string regex)
    {
        TuningOptionText.CheckRegex($"pattern:{regex}", regex);
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
            TuningOptionText.CheckRegex(text, options.Target);
        }
        return new TuningSpec { Kind = TuningKind.Lora, Lora = options };
    }

    public static TuningSpec ForAdapter(AdapterOptions options)
    {
        var text = $"adapter:dim={options.Dim}";
        if (options.Dim < 1)
        {
            throw new TuningSpecException(text, $"dim must be >= 1 (got {options.Dim})");
        }
        if (!float.IsFinite(options.Scale) || options.Scale == 0)
        {
            throw new TuningSpecException(text, $"scale must be a finite non-zero number (got {options.Scale})");
        }
        if (options.Target is not null)
        {
            TuningOptionText.CheckRegex(text, options.Target);
        }
        return new TuningSpec { Kind = TuningKind.Adapter, Adapter = options };
    }

    public static TuningSpec ForPrompt(PromptOptions options) =>
        options.Tokens < 1
            ? throw new TuningSpecException($"prompt:tokens={options.Tokens}", $"tokens must be >= 1 (got {options.Tokens})")
            : new TuningSpec { Kind = TuningKind.Prompt, Prompt = options };

    /// <summary>
    /// Several methods trained together: the union of what each trains (LoRA, adapters and prompts are added to the
    /// same graph; pattern and bitfit choose among the model's own parameters). <c>full</c> already trains everything
    /// and <c>head</c> is part of every method, so neither combines; nor does a method with itself.
    /// </summary>
    public static TuningSpec Combine(params TuningSpec[] parts)
    {
        var flat = parts.SelectMany(p => p.Components).ToList();
        var text = string.Join("+", flat);
        if (flat.Count < 2)
        {
            return flat.Count == 1 ? flat[0] : throw new TuningSpecException(text, "nothing to combine");
        }
        if (flat.Any(p => p.Kind == TuningKind.Full))
        {
            throw new TuningSpecException(text, "'full' already trains every parameter and does not combine with other methods");
        }
        if (flat.Any(p => p.Kind == TuningKind.Head))
        {
            throw new TuningSpecException(text, "the head is trained by every method; drop 'head' from the combination");
        }
        if (flat.GroupBy(p => p.Kind).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new TuningSpecException(text, $"'{twice.Key.ToString().ToLowerInvariant()}' appears more than once; give it once with all its options");
        }
        return new TuningSpec { Kind = TuningKind.Composite, Parts = flat };
    }

    public static TuningSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = TuningOptionText.SplitComposite(text);
        if (pieces.Count == 1)
        {
            return ParseSingle(text, text);
        }
        var parts = pieces.Select(p => ParseSingle(text, p)).ToArray();
        try
        {
            return Combine(parts);
        }
        catch (TuningSpecException e)
        {
            throw new TuningSpecException(text, e.Problem);
        }
    }

    private static TuningSpec ParseSingle(string whole, string text)
    {
        var colon = text.IndexOf(':');
        var head = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var rest = colon < 0 ? null : text[(colon + 1)..];
        try
        {
            switch (head)
            {
                case "head" or "bitfit" or "full" when rest is not null:
                    throw new TuningSpecException(whole, $"'{head}' takes no options");
                case "head":
                    return Head;
                case "bitfit":
                    return BitFit;
                case "full":
                    return Full;
                case "pattern":
                    if (string.IsNullOrEmpty(rest))
                    {
                        throw new TuningSpecException(whole, "pattern needs a regular expression: pattern:<regex>");
                    }
                    TuningOptionText.CheckRegex(whole, rest);
                    return new TuningSpec { Kind = TuningKind.Pattern, Pattern = rest };
                case "lora":
                    return ForLora(TuningOptionText.ParseLora(whole, rest ?? ""));
                case "adapter":
                    return ForAdapter(TuningOptionText.ParseAdapter(whole, rest ?? ""));
                case "prompt":
                    return ForPrompt(TuningOptionText.ParsePrompt(whole, rest ?? ""));
                default:
                    throw new TuningSpecException(whole, "unknown strategy; use head, pattern:<regex>, bitfit, lora:r=8,alpha=16,target=<regex>, " +
                        "adapter:dim=64[,scale=1][,target=<regex>][,temporal], prompt:tokens=8[,deep], full, or methods joined by '+'");
            }
        }
        catch (TuningSpecException e) when (e.Spec != whole)
        {
            throw new TuningSpecException(whole, e.Problem);
        }
    }

    public bool Equals(TuningSpec? other) =>
        other is not null && Kind == other.Kind && Pattern == other.Pattern && Equals(Lora, other.Lora) &&
        Equals(Adapter, other.Adapter) && Equals(Prompt, other.Prompt) && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => HashCode.Combine(Kind, Pattern, Lora, Adapter, Prompt, Parts.Count);

    public override string ToString() => Kind switch
    {
        TuningKind.Head => "head",
        TuningKind.BitFit => "bitfit",
        TuningKind.Full => "full",
        TuningKind.Pattern => $"pattern:{Pattern}",
        TuningKind.Composite => string.Join("+", Parts),
        TuningKind.Adapter => string.Create(CultureInfo.InvariantCulture,
            $"adapter:dim={Adapter!.Dim},scale={Adapter.Scale},seed={Adapter.Seed}{(Adapter.Temporal ? ",temporal" : "")}{(Adapter.Target is null ? "" : ",target=" + Adapter.Target)}"),
        TuningKind.Prompt => string.Create(CultureInfo.InvariantCulture, $"prompt:tokens={Prompt!.Tokens},seed={Prompt.Seed}{(Prompt.Deep ? ",deep" : "")}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"lora:r={Lora!.Rank},alpha={Lora.Alpha},dropout={Lora.Dropout},seed={Lora.Seed}{(Lora.Target is null ? "" : ",target=" + Lora.Target)}"),
    };
}
