using BenchmarkDotNet.Attributes;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Models;

/// <summary>
/// ORT CPU inference of zoo models by batch size at 16×112×112 (NCTHW), 2 intra-op threads, input bound once through
/// IoBinding so only the model runs: <c>tiny3d</c> and the realistic <c>r2plus1d_18</c>. Divide by Batch for seconds
/// per clip. End-to-end classification (decode + batching + inference) is in Runtime/ClassifyThroughputBenchmarks.
/// </summary>
[Config(typeof(LongStepInProcessConfig))]
public class InferenceByBatchBenchmarks
{
    private OrtSession? _session;
    private OrtIoBinding? _binding;
    private readonly List<OrtValue> _values = [];

    [Params("tiny3d", "r2plus1d_18")]
    public string Arch { get; set; } = "tiny3d";

    [Params(1, 2, 4)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int frames = 16, size = 112, classes = 10;
        var model = ModelZoo.Build(Arch, new ZooOptions { Classes = classes, Frames = frames, Size = size, Seed = 0 });
        _session = new OrtSession(OnnxModelFile.ToBytes(model), new OrtSessionOptions { IntraOpThreads = 2, InterOpThreads = 1 }, Arch);
        _binding = _session.CreateIoBinding();
        var random = new Random(0);
        var video = new float[Batch * 3 * frames * size * size];
        for (var i = 0; i < video.Length; i++)
        {
            video[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var input = OrtValue.CreateTensor(video, Batch, 3, frames, size, size);
        var logits = OrtValue.CreateTensor(new float[Batch * classes], Batch, classes);
        _values.Add(input);
        _values.Add(logits);
        _binding.BindInput(ModelZoo.InputName, input);
        _binding.BindOutput(ModelZoo.LogitsName, logits);
    }

    [Benchmark]
    public void Forward() => _session!.RunWithBinding(_binding!);

    [GlobalCleanup]
    public void Cleanup()
    {
        _binding?.Dispose();
        _session?.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }
        _values.Clear();
    }
}
