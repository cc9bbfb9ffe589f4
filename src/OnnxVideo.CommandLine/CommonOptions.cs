using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OnnxVideo.Ort;

namespace OnnxVideo.CommandLine;

/// <summary>
/// The options several commands take, defined once: the same name, type, default, check and wording everywhere. A bad
/// value is a parse error naming the option (exit code 2, see <see cref="CliProgram"/>).
/// </summary>
internal static class CommonOptions
{
    /// <summary><c>--device</c>: the execution provider, CPU unless asked otherwise.</summary>
    public static Option<ExecutionProvider> Device() => new("--device")
    {
        Description = $"Execution provider: {DeviceOption.Names} (default cpu)",
        DefaultValueFactory = _ => ExecutionProvider.Cpu,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            try
            {
                return DeviceOption.Parse("--device", text);
            }
            catch (InvalidFlagException e)
            {
                result.AddError(e.Message);
                return ExecutionProvider.Cpu;
            }
        },
    };

    /// <summary><c>--threads</c>: ONNX Runtime's intra-op threads; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public static Option<int> Threads() => AtLeast(new Option<int>("--threads")
    {
        Description = "ONNX Runtime intra-op threads (default 0: one per physical core); a fixed count keeps CPU runs repeatable",
    }, 0);

    /// <summary><c>--workers</c>: inputs decoded in parallel, one per processor unless asked otherwise.</summary>
    public static Option<int> Workers(string what = "Clips") => AtLeast(new Option<int>("--workers")
    {
        Description = $"{what} decoded in parallel (default: one per processor)",
        DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount),
    }, 1);

    /// <summary><c>--json</c>: machine-readable output on stdout; <paramref name="what"/> says what is printed.</summary>
    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} as JSON on stdout" };

    /// <summary><c>--seed</c>: the seed of <paramref name="what"/>.</summary>
    public static Option<int> Seed(string what, int defaultValue = 0) => new("--seed")
    {
        Description = $"Seed of {what} (default {defaultValue.ToString(CultureInfo.InvariantCulture)})",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>Adds a check that the option's value, when given, is at least <paramref name="minimum"/>.</summary>
    public static Option<T> AtLeast<T>(Option<T> option, double minimum)
    {
        option.Validators.Add(result => RequireAtLeast<T>(result, option.Name, minimum));
        return option;
    }

    /// <summary>Adds a check that the option's value, when given, is above zero.</summary>
    public static Option<T> Positive<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is { } value && Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number && !(number > 0))
            {
                result.AddError($"{option.Name} must be positive (got {Text(value)})");
            }
        });
        return option;
    }

    /// <summary>
    /// Adds a check that the option's value, when given, lies between <paramref name="minimum"/> and
    /// <paramref name="maximum"/> (each end included unless said otherwise); NaN is refused.
    /// </summary>
    public static Option<T> Between<T>(Option<T> option, double minimum, double maximum, bool excludeMinimum = false, bool excludeMaximum = false)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is { } value && Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number
                && !((excludeMinimum ? number > minimum : number >= minimum) && (excludeMaximum ? number < maximum : number <= maximum)))
            {
                var range = $"{(excludeMinimum ? "(" : "[")}{minimum.ToString(CultureInfo.InvariantCulture)}, {maximum.ToString(CultureInfo.InvariantCulture)}{(excludeMaximum ? ")" : "]")}";
                result.AddError($"{option.Name} must be in {range} (got {Text(value)})");
            }
        });
        return option;
    }

    private static void RequireAtLeast<T>(OptionResult result, string name, double minimum)
    {
        if (result.GetValueOrDefault<T>() is { } value && Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number && !(number >= minimum))
        {
            result.AddError($"{name} must be >= {minimum.ToString(CultureInfo.InvariantCulture)} (got {Text(value)})");
        }
    }

    private static string Text<T>(T value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
