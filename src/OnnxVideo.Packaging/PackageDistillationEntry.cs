using System.Globalization;

namespace OnnxVideo.Packaging;

/// <summary>
/// Knowledge distillation compiled into the train-step and gradients graphs (LwF): the loss adds
/// Weight·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) over the first <see cref="OldClasses"/> classes, the teacher's
/// logits being the <see cref="PackageIoNames.TeacherLogits"/> input [N, OldClasses].
/// </summary>
internal sealed record PackageDistillationEntry(int OldClasses, float Temperature, float Weight)
{
    /// <summary>Reads <c>old_classes=K[,temperature=T][,weight=W]</c> (temperature 2 and weight 1 by default).</summary>
    public static PackageDistillationEntry Parse(string spec, string flag)
    {
        int? oldClasses = null;
        float temperature = 2f, weight = 1f;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                throw new InvalidInputException(flag, $"'{part}' is not key=value (expected old_classes=K,temperature=T,weight=W)");
            }
            switch (pair[0].ToLowerInvariant())
            {
                case "old_classes":
                    oldClasses = int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k
                        : throw new InvalidInputException(flag, $"old_classes must be a whole number (got '{pair[1]}')");
                    break;
                case "temperature":
                    temperature = Number(pair[1], "temperature", flag);
                    break;
                case "weight":
                    weight = Number(pair[1], "weight", flag);
                    break;
                default:
                    throw new InvalidInputException(flag, $"unknown key '{pair[0]}' (old_classes, temperature, weight)");
            }
        }
        var entry = new PackageDistillationEntry(oldClasses ?? throw new InvalidInputException(flag, "old_classes=K is required"), temperature, weight);
        entry.Validate(flag);
        return entry;
    }

    public void Validate(string source)
    {
        if (OldClasses < 1)
        {
            throw new InvalidInputException(source, $"old_classes must be at least 1 (got {OldClasses})");
        }
        if (!float.IsFinite(Temperature) || Temperature <= 0)
        {
            throw new InvalidInputException(source, $"temperature must be a positive number (got {Temperature.ToString(CultureInfo.InvariantCulture)})");
        }
        if (!float.IsFinite(Weight) || Weight < 0)
        {
            throw new InvalidInputException(source, $"weight must be a number >= 0 (got {Weight.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"old_classes={OldClasses},temperature={Temperature},weight={Weight}");

    private static float Number(string text, string key, string flag) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value) ? value
            : throw new InvalidInputException(flag, $"{key} must be a finite number (got '{text}')");
}
