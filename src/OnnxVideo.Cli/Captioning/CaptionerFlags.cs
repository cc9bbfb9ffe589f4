using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Captioning;

/// <summary>The options of every command that opens a captioner folder: the folder, device, threads and decoder batch.</summary>
internal sealed class CaptionerFlags
{
    public Option<string> Model { get; } = new("--model", "-m") { Description = "Captioner folder (best/captioner of an `onnxvideo train` run on a caption package)", Required = true };
    public Option<ExecutionProvider> Device { get; } = CommonOptions.Device();
    public Option<int> Threads { get; } = CommonOptions.Threads();
    public Option<int> Batch { get; } = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Clips per decoder batch (default 16)", DefaultValueFactory = _ => 16 }, 1);

    public IEnumerable<Option> All() => [Model, Device, Threads, Batch];

    public VideoCaptioner Open(ParseResult parse) => VideoCaptioner.Open(parse.GetValue(Model)!, new VideoCaptionerOptions
    {
        Device = parse.GetValue(Device),
        IntraOpThreads = parse.GetValue(Threads),
        MaxBatchSize = parse.GetValue(Batch),
    });
}
