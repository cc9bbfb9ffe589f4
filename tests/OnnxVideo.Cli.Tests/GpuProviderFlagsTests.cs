using System.CommandLine;
using OnnxVideo.Cli.Commands;
using OnnxVideo.CommandLine;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Tests;

/// <summary>The shared CUDA/TensorRT flags: what they turn into, and bad values as typed errors with exit code 2.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GpuProviderFlagsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static GpuProviderSettings Read(bool batchProfiles, params string[] args)
    {
        var command = new Command("probe");
        var flags = GpuProviderFlags.AddTo(command, batchProfiles);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return flags.Read(parse);
    }

    [Fact]
    public void NoFlagsGiveTheProviderDefaults()
    {
        var settings = Read(true);
        Assert.Equal(0, settings.DeviceId);
        Assert.Equal(new CudaProviderOptions(), settings.Cuda);
        Assert.Equal(new TensorRtProviderOptions(), settings.TensorRt);
        Assert.Null(settings.TensorRtMinBatch);
        Assert.Null(settings.TensorRtOptBatch);
    }

    [Fact]
    public void EveryFlagReachesItsProviderSetting()
    {
        var engines = _dir.File("engines");
        var timing = _dir.File("timing");
        var settings = Read(true, "--device-id", "2", "--cudnn-conv-search", "heuristic", "--gpu-mem-limit", "6G", "--trt-fp16",
            "--trt-workspace", "512MiB", "--trt-engine-cache", engines, "--trt-timing-cache", timing, "--trt-min-batch", "2", "--trt-opt-batch", "4");

        Assert.Equal(2, settings.DeviceId);
        Assert.Equal(new CudaProviderOptions { DeviceId = 2, ConvAlgorithmSearch = CudnnConvAlgorithmSearch.Heuristic, GpuMemoryLimit = 6L << 30 }, settings.Cuda);
        Assert.Equal(new TensorRtProviderOptions
        {
            DeviceId = 2,
            Fp16 = true,
            MaxWorkspaceSize = 512L << 20,
            EngineCacheEnabled = true,
            EngineCachePath = engines,
            TimingCacheEnabled = true,
            TimingCachePath = timing,
        }, settings.TensorRt);
        Assert.True(Directory.Exists(engines));
        Assert.Equal(2, settings.TensorRtMinBatch);
        Assert.Equal(4, settings.TensorRtOptBatch);
        Assert.True(Read(false, "--cuda-graph").Cuda.EnableCudaGraph);
    }

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("4k", 4096L)]
    [InlineData("3M", 3L << 20)]
    [InlineData("2GB", 2L << 30)]
    [InlineData("1TiB", 1L << 40)]
    public void ByteSizesTakeBinarySuffixes(string text, long bytes) => Assert.Equal(bytes, GpuProviderFlags.ParseBytes("--gpu-mem-limit", text));

    [Theory]
    [InlineData("--device-id", "-1")]
    [InlineData("--device-id", "one")]
    [InlineData("--gpu-mem-limit", "0")]
    [InlineData("--gpu-mem-limit", "lots")]
    [InlineData("--gpu-mem-limit", "99999999999T")]
    [InlineData("--trt-workspace", "1.5G")]
    [InlineData("--cudnn-conv-search", "fastest")]
    [InlineData("--trt-min-batch", "0")]
    public void BadValuesAreTypedErrorsNamingTheFlag(string flag, string value)
    {
        var error = Assert.Throws<InvalidFlagException>(() => Read(true, flag, value));
        Assert.Equal(flag, error.Flag);
        Assert.StartsWith($"{flag} {value}: ", error.Message);
    }

    [Fact]
    public void OptBatchBelowMinBatchIsRejected()
    {
        var error = Assert.Throws<InvalidFlagException>(() => Read(true, "--trt-min-batch", "4", "--trt-opt-batch", "2"));
        Assert.Equal("--trt-opt-batch", error.Flag);
    }

    [Fact]
    public void ACacheFolderThatIsAFileIsRejected()
    {
        var file = _dir.Touch("not-a-folder", "x");
        Assert.Equal("--trt-engine-cache", Assert.Throws<InvalidFlagException>(() => Read(false, "--trt-engine-cache", file)).Flag);
    }

    [Fact]
    public void CommandsExitWithTwoOnBadGpuValuesAndExplainWhyTheyRefuseCudaGraphs()
    {
        var video = _dir.Touch("clip.mp4", "not a video");
        var model = _dir.Touch("model.onnx", "not a model");
        string[] data = ["--data", _dir.Path];
        AssertFails("--gpu-mem-limit lots", "classify", video, "--model", model, "--gpu-mem-limit", "lots");
        AssertFails("CUDA graphs cannot be used by VideoClassifier", "classify", video, "--model", model, "--cuda-graph");
        AssertFails("--device-id -3", ["evaluate", "--model", model, .. data, "--device-id", "-3"]);
        AssertFails("CUDA graphs cannot be used for evaluation", ["evaluate", "--model", model, .. data, "--cuda-graph"]);
        AssertFails("--trt-opt-batch 8: must not exceed --batch 4", ["evaluate", "--model", model, .. data, "--batch", "4", "--trt-opt-batch", "8"]);
        AssertFails("--trt-workspace -1", "train", "--package", _dir.Path, "--train", _dir.Path, "--out", _dir.File("run"), "--trt-workspace", "-1");
        AssertFails("CUDA graphs cannot be used for training", "train", "--package", _dir.Path, "--train", _dir.Path, "--out", _dir.File("run"), "--cuda-graph");
    }

    private static void AssertFails(string expectedMessage, params string[] args)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        int exit;
        Console.SetError(error);
        try
        {
            exit = Program.Main(args);
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Equal(2, exit);
        Assert.Contains(expectedMessage, error.ToString());
    }
}
