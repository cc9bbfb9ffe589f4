using BenchmarkDotNet.Attributes;
using OnnxVideo.Ort;

namespace OnnxVideo.Benchmarks.Ort;

/// <summary>
/// Per-Run cost of OnnxVideo.Ort on a trivial and a small model, 1 intra-op and 1 inter-op thread, spinning off
/// (the settings the onnxruntime-node peer uses). IoBinding runs must show no managed allocation.
/// </summary>
[MemoryDiagnoser]
public class OrtRunOverheadBenchmarks
{
    private OrtSession session = null!;
    private OrtValue[] inputs = [];
    private string[] inputNames = [];
    private string[] outputNames = [];
    private OrtValue[] outputs = [];
    private OrtIoBinding binding = null!;

    [Params("add", "conv3d")]
    public string Model { get; set; } = "add";

    public static OrtSessionOptions SessionOptions() => new()
    {
        IntraOpThreads = 1,
        InterOpThreads = 1,
        AllowSpinning = false,
        ExecutionMode = ExecutionMode.Sequential,
        OptimizationLevel = GraphOptimizationLevel.All,
    };

    [GlobalSetup]
    public void Setup()
    {
        var model = OverheadModel.ByName(Model);
        session = new OrtSession(model.Path, SessionOptions());
        inputNames = model.Inputs.Select(i => i.Name).ToArray();
        inputs = model.Inputs.Select(i => OrtValue.CreateTensor(OverheadModel.Pattern(i.Shape), i.Shape)).ToArray();
        outputNames = [model.Output];
        outputs = [OrtValue.AllocateTensor<float>(model.OutputShape)];
        binding = session.CreateIoBinding();
        for (var i = 0; i < inputs.Length; i++)
        {
            binding.BindInput(inputNames[i], inputs[i]);
        }

        binding.BindOutput(model.Output, outputs[0]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        binding.Dispose();
        foreach (var value in inputs.Concat(outputs))
        {
            value.Dispose();
        }

        session.Dispose();
    }

    /// <summary>Plain Run returning new output values (what most callers write).</summary>
    [Benchmark(Baseline = true)]
    public float PlainRun()
    {
        var results = session.Run(inputNames, inputs, outputNames);
        var first = results[0].GetTensorSpan<float>()[0];
        results[0].Dispose();
        return first;
    }

    /// <summary>Plain Run into caller-created outputs.</summary>
    [Benchmark]
    public float RunIntoOutputs()
    {
        session.Run(inputNames, inputs, outputNames, outputs);
        return outputs[0].GetTensorSpan<float>()[0];
    }

    /// <summary>RunWithBinding with inputs and outputs bound once.</summary>
    [Benchmark]
    public float IoBinding()
    {
        session.RunWithBinding(binding);
        return outputs[0].GetTensorSpan<float>()[0];
    }
}
