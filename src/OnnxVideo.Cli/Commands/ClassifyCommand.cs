using System.CommandLine;
using OnnxVideo.Cli.Classify;
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
        var model = new Option<string>("--model", "-m") { Description = "model.onnx (with its preprocessing contract in metadata)", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda, tensorrt or auto", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda", "tensorrt", "auto");
        var batch = new Option<int?>("--batch") { Description = "Clips per inference batch (default 8)" };
        var topK = new Option<int>("--top-k") { Description = "Labels reported per video", DefaultValueFactory = _ => 5 };
        var clips = new Option<int?>("--clips") { Description = "Clips per video averaged (default: the model's contract)" };
        var crops = new Option<int?>("--crops") { Description = "Spatial crops per clip, 1 or 3 (default: the model's contract)" };
        var workers = new Option<int?>("--workers") { Description = "Videos decoded in parallel (default: processor count)" };
        var window = new Option<double?>("--window") { Description = "Sliding-window length in seconds: report a timeline" };
        var windowStride = new Option<double?>("--window-stride") { Description = "Seconds between window starts (default: the window length)" };
        var timeout = new Option<double?>("--timeout") { Description = "Deadline per video in seconds" };
        var noPad = new Option<bool>("--no-pad") { Description = "Fail videos shorter than a clip, or truncated before their declared frame count, instead of repeating their last frame" };
        var json = new Option<bool>("--json") { Description = "Write JSON lines to stdout" };
        var output = new Option<string?>("--output", "-o") { Description = "Append JSON lines to this file; inputs already classified there are skipped" };
        var shard = new Option<string?>("--shard") { Description = "i/N: classify only shard i (0-based) of N of the sorted input list" };

        var command = new Command("classify", "Classify videos with an ONNX video model")
        {
            inputs, model, device, batch, topK, clips, crops, workers, window, windowStride, timeout, noPad, json, output, shard,
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
        RequirePositive(topK);
        RequirePositive(batch);
        RequirePositive(clips);
        RequirePositive(workers);
        RequirePositive(window);
        RequirePositive(windowStride);
        RequirePositive(timeout);
        crops.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is not (null or 1 or 3))
            {
                result.AddError("--crops must be 1 or 3");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            GpuProviderSettings gpuSettings;
            try
            {
                gpuSettings = gpu.Read(parse);
            }
            catch (InvalidFlagException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(ClassifyRunner.ExitFatal);
            }
            var settings = new ClassifySettings(
                parse.GetValue(inputs) ?? [],
                parse.GetValue(model)!,
                parse.GetValue(device) switch
                {
                    "cuda" => InferenceDevice.Cuda,
                    "tensorrt" => InferenceDevice.TensorRt,
                    "auto" => InferenceDevice.Auto,
                    _ => InferenceDevice.Cpu,
                },
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
            };
            return ClassifyRunner.RunAsync(settings, cancellationToken);
        });
        return command;
    }

    private static void RequirePositive<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is { } value && Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) <= 0)
            {
                result.AddError($"{option.Name} must be positive (got {value})");
            }
        });
    }
}
