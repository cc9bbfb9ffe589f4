using System.CommandLine;
using OnnxVideo.Cli.Classify;
using OnnxVideo.Cli.Training;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Commands;

/// <summary>`onnxvideo classify`: batch classification of video files with a model.onnx.</summary>
public static class ClassifyCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Video files, folders (searched recursively) or .txt/.list files with one path per line",
            Arity = ArgumentArity.OneOrMore,
        };
        var model = new Option<string>("--model", "-m") { Description = "The model.onnx (with its preprocessing contract in metadata)", Required = true };
        var device = CommonOptions.Device();
        var batch = new Option<int?>("--batch") { Description = "Clips per inference batch (default 8)" };
        var topK = new Option<int>("--top-k") { Description = "Labels reported per video", DefaultValueFactory = _ => 5 };
        var clips = new Option<int?>("--clips") { Description = "Clips per video averaged (default: the model's contract)" };
        var crops = new Option<int?>("--crops") { Description = "Spatial crops per clip, 1 or 3 (default: the model's contract)" };
        var workers = CommonOptions.Workers("Videos");
        var window = new Option<double?>("--window") { Description = "Sliding-window length in seconds: report a timeline" };
        var windowStride = new Option<double?>("--window-stride") { Description = "Seconds between window starts (default: the window length)" };
        var timeout = new Option<double?>("--timeout") { Description = "Deadline per video in seconds" };
        var noPad = NoPadOption.Create();
        var keepConv3d = new Option<bool>("--keep-conv3d")
        {
            Description = "On CPU, run the model's 3-D convolutions as written instead of as 2-D ones (rewritten in memory at load: faster, more memory)",
        };
        var json = CommonOptions.Json("one line per video");
        var output = new Option<string?>("--output", "-o") { Description = "JSON lines, one per input (locked while in use); inputs already classified there are skipped, failed ones retried" };
        var shard = new Option<string?>("--shard") { Description = "i/N: classify only shard i (0-based) of N of the sorted input list" };

        var command = new Command("classify", "Classify videos with an ONNX video model")
        {
            inputs, model, device, batch, topK, clips, crops, workers, window, windowStride, timeout, noPad, keepConv3d, json, output, shard,
        };
        var gpu = GpuProviderFlags.AddTo(command, batchProfiles: true);
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(output) is not null)
            {
                result.AddError("--json and --output are alternatives: use one");
            }
            if (result.GetValue(shard) is { } text)
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
        CommonOptions.Positive(topK);
        CommonOptions.Positive(batch);
        CommonOptions.Positive(clips);
        CommonOptions.Positive(window);
        CommonOptions.Positive(windowStride);
        CommonOptions.Positive(timeout);
        crops.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is not (null or 1 or 3))
            {
                result.AddError("--crops must be 1 or 3");
            }
        });
        command.SetHandler((parse, cancellationToken) =>
        {
            var gpuSettings = gpu.Read(parse);
            var settings = new ClassifySettings(
                parse.GetValue(inputs) ?? [],
                parse.GetValue(model)!,
                parse.GetValue(device),
                parse.GetValue(batch),
                parse.GetValue(topK),
                parse.GetValue(clips),
                parse.GetValue(crops),
                parse.GetValue(workers),
                parse.GetValue(window),
                parse.GetValue(windowStride),
                parse.GetValue(timeout),
                parse.GetValue(noPad),
                parse.GetValue(json),
                parse.GetValue(output),
                parse.GetValue(shard) is { } text ? InputShard.Parse(text) : InputShard.All)
            {
                Gpu = gpuSettings,
                KeepConv3d = parse.GetValue(keepConv3d),
            };
            return ClassifyRunner.RunAsync(settings, cancellationToken);
        });
        return command;
    }
}
