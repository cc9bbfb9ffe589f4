using System.Globalization;

namespace OnnxVideo.Benchmarks.Transfer;

/// <summary>The experiment's settings: <c>--per-class 5,20,40 --val-per-class 20 --epochs 15 --archs tiny3d,video_vit_tiny
/// --modes head,lora,last,full --threads 2 --seed 0 --out .cache/transfer --models models</c>.</summary>
internal sealed record TransferSettings
{
    public int[] PerClass { get; init; } = [5, 20, 40];
    public int ValidationPerClass { get; init; } = 20;
    public int Epochs { get; init; } = 15;
    public int Batch { get; init; } = 8;
    public string[] Architectures { get; init; } = ["tiny3d", "video_vit_tiny"];
    public string[] Modes { get; init; } = ["head", "lora", "last", "full"];
    public int Threads { get; init; } = 2;
    public int Seed { get; init; }
    public string Output { get; init; } = ".cache/transfer";
    public string Models { get; init; } = "models";

    public static TransferSettings Parse(string[] args) => Parse(args, new TransferSettings());

    /// <summary>The options in <paramref name="args"/> over <paramref name="defaults"/>.</summary>
    public static TransferSettings Parse(string[] args, TransferSettings defaults)
    {
        var settings = defaults;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int[] Ints() => value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            settings = args[i] switch
            {
                "--per-class" => settings with { PerClass = Ints() },
                "--val-per-class" => settings with { ValidationPerClass = int.Parse(value, CultureInfo.InvariantCulture) },
                "--epochs" => settings with { Epochs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--batch" => settings with { Batch = int.Parse(value, CultureInfo.InvariantCulture) },
                "--archs" => settings with { Architectures = value.Split(',') },
                "--modes" => settings with { Modes = value.Split(',') },
                "--threads" => settings with { Threads = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => settings with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--out" => settings with { Output = value },
                "--models" => settings with { Models = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return settings;
    }
}
