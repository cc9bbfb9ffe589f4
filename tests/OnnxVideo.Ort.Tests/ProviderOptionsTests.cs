using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

/// <summary>The key/value pairs our CUDA and TensorRT settings hand to ORT's V2 provider options, and their checks.</summary>
public sealed class ProviderOptionsTests
{
    private static Dictionary<string, string> Map(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        Assert.Equal(pairs.Count, pairs.Select(p => p.Key).Distinct().Count());
        return pairs.ToDictionary(p => p.Key, p => p.Value);
    }

    [Fact]
    public void CudaDefaultsSetOnlyDeviceAndAlgorithmSearch()
    {
        var map = Map(new CudaProviderOptions().ToProviderOptions());
        Assert.Equal(new Dictionary<string, string> { ["device_id"] = "0", ["cudnn_conv_algo_search"] = "EXHAUSTIVE" }, map);
    }

    [Fact]
    public void CudaSettingsReachTheirOrtKeys()
    {
        var map = Map(new CudaProviderOptions
        {
            DeviceId = 3,
            GpuMemoryLimit = 6L << 30,
            ConvAlgorithmSearch = CudnnConvAlgorithmSearch.Heuristic,
            EnableCudaGraph = true,
        }.ToProviderOptions());
        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "3",
            ["cudnn_conv_algo_search"] = "HEURISTIC",
            ["gpu_mem_limit"] = "6442450944",
            ["enable_cuda_graph"] = "1",
        }, map);
        Assert.Equal("DEFAULT", Map(new CudaProviderOptions { ConvAlgorithmSearch = CudnnConvAlgorithmSearch.Default }.ToProviderOptions())["cudnn_conv_algo_search"]);
    }

    [Fact]
    public void TensorRtSettingsReachTheirOrtKeysWithBatchProfileShapes()
    {
        var map = Map(new TensorRtProviderOptions
        {
            DeviceId = 1,
            Fp16 = true,
            MaxWorkspaceSize = 2L << 30,
            EngineCacheEnabled = true,
            EngineCachePath = "/cache/engines",
            TimingCacheEnabled = true,
            TimingCachePath = "/cache/timing",
            BatchProfile = new TensorRtBatchProfile("video", [3, 8, 112, 112], 1, 4, 16),
        }.ToProviderOptions());
        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "1",
            ["trt_fp16_enable"] = "1",
            ["trt_engine_cache_enable"] = "1",
            ["trt_timing_cache_enable"] = "1",
            ["trt_max_workspace_size"] = "2147483648",
            ["trt_engine_cache_path"] = "/cache/engines",
            ["trt_timing_cache_path"] = "/cache/timing",
            ["trt_profile_min_shapes"] = "video:1x3x8x112x112",
            ["trt_profile_opt_shapes"] = "video:4x3x8x112x112",
            ["trt_profile_max_shapes"] = "video:16x3x8x112x112",
        }, map);
    }

    [Fact]
    public void TensorRtDefaultsLeaveFp16AndCachesOffAndSetNoProfile()
    {
        var map = Map(new TensorRtProviderOptions().ToProviderOptions());
        Assert.Equal(new Dictionary<string, string>
        {
            ["device_id"] = "0",
            ["trt_fp16_enable"] = "0",
            ["trt_engine_cache_enable"] = "0",
            ["trt_timing_cache_enable"] = "0",
        }, map);
    }

    [Fact]
    public void BadSettingsAreRejectedNamingTheSetting()
    {
        Assert.Contains("DeviceId", Assert.Throws<ArgumentException>(() => new CudaProviderOptions { DeviceId = -1 }.ToProviderOptions()).Message);
        Assert.Contains("GpuMemoryLimit", Assert.Throws<ArgumentException>(() => new CudaProviderOptions { GpuMemoryLimit = 0 }.Validate()).Message);
        Assert.Contains("ConvAlgorithmSearch", Assert.Throws<ArgumentException>(() => new CudaProviderOptions { ConvAlgorithmSearch = (CudnnConvAlgorithmSearch)7 }.Validate()).Message);
        Assert.Contains("MaxWorkspaceSize", Assert.Throws<ArgumentException>(() => new TensorRtProviderOptions { MaxWorkspaceSize = -5 }.Validate()).Message);
        Assert.Contains("EngineCachePath", Assert.Throws<ArgumentException>(() => new TensorRtProviderOptions { EngineCacheEnabled = true }.Validate()).Message);
        Assert.Contains("TimingCachePath", Assert.Throws<ArgumentException>(() => new TensorRtProviderOptions { TimingCacheEnabled = true }.Validate()).Message);
        Assert.Contains("min <= opt <= max", Assert.Throws<ArgumentException>(() =>
            new TensorRtProviderOptions { BatchProfile = new TensorRtBatchProfile("video", [3, 4], 4, 2, 8) }.Validate()).Message);
        Assert.Contains("input name", Assert.Throws<ArgumentException>(() => new TensorRtBatchProfile("a:b", [3], 1, 1, 1).Validate()).Message);
        Assert.Contains("sample shape", Assert.Throws<ArgumentException>(() => new TensorRtBatchProfile("video", [3, -1], 1, 1, 1).Validate()).Message);
    }

    [Fact]
    public void BadGpuSettingsFailTheSessionEvenWhereTheProviderIsMissing()
    {
        var options = new OrtSessionOptions { ExecutionProvider = ExecutionProvider.Cuda, Cuda = new CudaProviderOptions { GpuMemoryLimit = -1 } };
        Assert.Contains("GpuMemoryLimit", Assert.Throws<ArgumentException>(() => new OrtSession(TestModels.Add(), options)).Message);
    }

    [Fact]
    public void BatchProfileForAModelComesFromItsFirstInput()
    {
        using var dir = new TempDirectory();
        var dynamicPath = dir.File("dynamic.onnx");
        File.WriteAllBytes(dynamicPath, Relu("clip", "N"));
        var profile = TensorRtBatchProfile.ForModel(dynamicPath, 2, 4, 8);
        Assert.NotNull(profile);
        Assert.Equal("clip", profile.InputName);
        Assert.Equal([3L, 2, 5, 5], profile.SampleShape);
        Assert.Equal((2, 4, 8), (profile.MinBatch, profile.OptBatch, profile.MaxBatch));

        var fixedPath = dir.File("fixed.onnx");
        File.WriteAllBytes(fixedPath, Relu("clip", 4));
        Assert.Null(TensorRtBatchProfile.ForModel(fixedPath, 1, 4, 4));
        Assert.Throws<ArgumentException>(() => TensorRtBatchProfile.ForModel(dynamicPath, 4, 2, 8));
    }

    private static byte[] Relu(string input, Dim batch)
    {
        var g = new GraphBuilder("relu");
        var x = g.Input(input, DataType.Float, batch, 3, 2, 5, 5);
        g.Output(g.Node("Relu", [x]), DataType.Float, batch, 3, 2, 5, 5);
        return TestModels.ToBytes(g);
    }
}
