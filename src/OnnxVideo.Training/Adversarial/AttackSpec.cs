using System.Globalization;

namespace OnnxVideo.Training.Adversarial;

/// <summary>
/// An L∞ attack: <c>fgsm:eps=2</c> or <c>pgd:eps=4,steps=3,alpha=1</c>. ε and α are in 0–255 pixel units; they are
/// converted per channel into the model's normalised units (ε / 255 / std) by <see cref="AdversarialPerturbation"/>.
/// </summary>
public sealed record AttackSpec(AttackKind Kind, float Epsilon, int Steps = 1, float Alpha = 0)
{
    /// <summary>More steps than this are taken for a typo.</summary>
    public const int MaxSteps = 1000;

    /// <summary>Parses a spec; <paramref name="flag"/> names where it came from in errors.</summary>
    public static AttackSpec Parse(string text, string flag = "--attack")
    {
        ArgumentNullException.ThrowIfNull(text);
        var input = $"{flag} {text}";
        var colon = text.IndexOf(':');
        var kindText = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var kind = kindText switch
        {
            "fgsm" => AttackKind.Fgsm,
            "pgd" => AttackKind.Pgd,
            _ => throw new AttackSpecException(input, $"unknown attack '{kindText}' (expected fgsm:eps=E or pgd:eps=E,steps=K,alpha=A)"),
        };
        var values = Fields(colon < 0 ? "" : text[(colon + 1)..], input, kind);
        if (!values.TryGetValue("eps", out var eps))
        {
            throw new AttackSpecException(input, "eps=E (in 0-255 pixel units) is required");
        }
        RequireNonNegative(input, "eps", eps);
        if (kind == AttackKind.Fgsm)
        {
            return new AttackSpec(kind, (float)eps);
        }
        var steps = values.TryGetValue("steps", out var s) ? s : 3;
        if (steps != Math.Floor(steps) || steps is < 1 or > MaxSteps)
        {
            throw new AttackSpecException(input, $"steps must be a whole number in 1..{MaxSteps} (got {steps.ToString(CultureInfo.InvariantCulture)})");
        }
        var alpha = values.TryGetValue("alpha", out var a) ? a : eps / steps * 2.5;
        RequireNonNegative(input, "alpha", alpha);
        return new AttackSpec(kind, (float)eps, (int)steps, (float)alpha);
    }

    public override string ToString() => Kind == AttackKind.Fgsm
        ? string.Create(CultureInfo.InvariantCulture, $"fgsm:eps={Epsilon}")
        : string.Create(CultureInfo.InvariantCulture, $"pgd:eps={Epsilon},steps={Steps},alpha={Alpha}");

    private static Dictionary<string, double> Fields(string text, string input, AttackKind kind)
    {
        var allowed = kind == AttackKind.Fgsm ? new[] { "eps" } : ["eps", "steps", "alpha"];
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var field in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = field.IndexOf('=');
            var key = eq < 0 ? field : field[..eq].Trim().ToLowerInvariant();
            if (eq < 0 || !allowed.Contains(key))
            {
                throw new AttackSpecException(input, $"'{field}' is not one of {string.Join(", ", allowed.Select(k => k + "=…"))}");
            }
            if (!double.TryParse(field[(eq + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new AttackSpecException(input, $"{key} '{field[(eq + 1)..]}' is not a number");
            }
            if (!values.TryAdd(key, value))
            {
                throw new AttackSpecException(input, $"{key} is given twice");
            }
        }
        return values;
    }

    private static void RequireNonNegative(string input, string name, double value)
    {
        if (double.IsNaN(value) || value < 0 || double.IsInfinity(value) || value > 255)
        {
            throw new AttackSpecException(input, $"{name} must be a number in 0..255 pixel units (got {value.ToString(CultureInfo.InvariantCulture)})");
        }
    }
}
