using System.CommandLine;
using OnnxVideo.Cli.Classify;
using OnnxVideo.Cli.Training;
using OnnxVideo.CommandLine;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Commands;

/// <summary>`onnxvideo classify`: batch classification of video files with a model.onnx.</summary>
public static class ClassifyCommand
{
    public static Command Create()
    {
        var f = new Flags();
        var command = new Command("classify", "Classify videos with an ONNX video model") { f.Inputs };
        foreach (var option in f.All())
        {
            command.Options.Add(option);
        }
        f.Gpu = GpuProviderFlags.AddTo(command, batchProfiles: true);
        AddValidators(command, f);
        command.SetHandler((parse, cancellationToken) => ClassifyRunner.RunAsync(Settings(f, parse), cancellationToken));
        return command;
    }

    /// <summary>The arguments and options of <c>classify</c>.</summary>
    private sealed class Flags
    {
        public Argument<string[]> Inputs { get; } = new("inputs")
        {
            Description = "Video files, folders (searched recursively) or .txt/.list files with one path per line",
            Arity = ArgumentArity.OneOrMore,
        };
        public Option<string> Model { get; } = new("--model", "-m") { Description = "The model.onnx (with its preprocessing contract in metadata)", Required = true };
        public Option<ExecutionProvider> Device { get; } = CommonOptions.Device();
        public Option<int?> Batch { get; } = new("--batch") { Description = "Clips per inference batch (default 8)" };
        public Option<int> TopK { get; } = new("--top-k") { Description = "Labels reported per video", DefaultValueFactory = _ => 5 };
        public Option<int?> Clips { get; } = new("--clips") { Description = "Clips per video averaged (default: the model's contract)" };
        public Option<int?> Crops { get; } = new("--crops") { Description = "Spatial crops per clip, 1 or 3 (default: the model's contract)" };
        public Option<int> Workers { get; } = CommonOptions.Workers("Videos");
        public Option<double?> Window { get; } = new("--window") { Description = "Sliding-window length in seconds: report a timeline" };
        public Option<double?> WindowStride { get; } = new("--window-stride") { Description = "Seconds between window starts (default: the window length)" };
        public Option<double?> Timeout { get; } = new("--timeout") { Description = "Deadline per video in seconds" };
        public Option<bool> NoPad { get; } = NoPadOption.Create();
        public Option<bool> KeepConv3d { get; } = new("--keep-conv3d")
        {
            Description = "On CPU, run the model's 3-D convolutions as written instead of as 2-D ones (rewritten in memory at load: faster, more memory)",
        };
        public Option<bool> Json { get; } = CommonOptions.Json("one line per video");
        public Option<string?> Output { get; } = new("--output", "-o") { Description = "JSON lines, one per input (locked while in use); inputs already classified there are skipped, failed ones retried" };
        public Option<string?> Shard { get; } = new("--shard") { Description = "i/N: classify only shard i (0-based) of N of the sorted input list" };
        public GpuProviderFlags Gpu { get; set; } = null!;

        public IEnumerable<Option> All() => [Model, Device, Batch, TopK, Clips, Crops, Workers, Window, WindowStride, Timeout, NoPad, KeepConv3d, Json, Output, Shard];
    }

    private static void AddValidators(Command command, Flags f)
    {
        command.Validators.Add(result =>
        {
            if (result.GetValue(f.Json) && result.GetValue(f.Output) is not null)
            {
                result.AddError("--json and --output are alternatives: use one");
            }
            if (result.GetValue(f.Shard) is { } text)
            {
                try
                {
                    InputShard.Parse(text);
                }
                catch (FormatException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        CommonOptions.Positive(f.TopK);
        CommonOptions.Positive(f.Batch);
        CommonOptions.Positive(f.Clips);
        CommonOptions.Positive(f.Window);
        CommonOptions.Positive(f.WindowStride);
        CommonOptions.Positive(f.Timeout);
        f.Crops.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is not (null or 1 or 3))
            {
                result.AddError("--crops must be 1 or 3");
            }
        });
    }

    private static ClassifySettings Settings(Flags f, ParseResult parse) => new(
        parse.GetValue(f.Inputs) ?? [],
        parse.GetValue(f.Model)!,
        parse.GetValue(f.Device),
        parse.GetValue(f.Batch),
        parse.GetValue(f.TopK),
        parse.GetValue(f.Clips),
        parse.GetValue(f.Crops),
        parse.GetValue(f.Workers),
        parse.GetValue(f.Window),
        parse.GetValue(f.WindowStride),
        parse.GetValue(f.Timeout),
        parse.GetValue(f.NoPad),
        parse.GetValue(f.Json),
        parse.GetValue(f.Output),
        parse.GetValue(f.Shard) is { } text ? InputShard.Parse(text) : InputShard.All)
    {
        Gpu = f.Gpu.Read(parse),
        KeepConv3d = parse.GetValue(f.KeepConv3d),
    };
}
