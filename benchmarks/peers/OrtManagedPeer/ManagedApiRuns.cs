using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OrtManagedPeer;

/// <summary>
/// One model in the official C# API, set up like the harness's session of ours: the given intra/inter-op threads,
/// spinning off, sequential execution, all graph optimisations, CPU. Times a plain Run returning new OrtValues and
/// a RunWithBinding with inputs and outputs bound once; each reads the first output element, as ours does.
/// </summary>
internal sealed class ManagedApiRuns : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly OrtValue[] inputs;
    private readonly string[] outputNames;
    private OrtValue? boundOutput;
    private OrtIoBinding? binding;

    public ManagedApiRuns(PeerArguments arguments)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = arguments.IntraOpThreads,
            InterOpNumThreads = arguments.InterOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        session = new InferenceSession(arguments.Model, options);
        inputNames = arguments.Inputs.Select(i => i.Name).ToArray();
        inputs = arguments.Inputs.Select(i => OrtValue.CreateTensorValueFromMemory(Pattern(i.Shape), i.Shape)).ToArray();
        outputNames = [session.OutputNames[0]];
    }

    public float PlainRun()
    {
        using var results = session.Run(runOptions, inputNames, inputs, outputNames);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    public float BoundRun()
    {
        session.RunWithBinding(runOptions, binding ?? Bind());
        return boundOutput!.GetTensorDataAsSpan<float>()[0];
    }

    public void Dispose()
    {
        binding?.Dispose();
        boundOutput?.Dispose();
        foreach (var input in inputs)
        {
            input.Dispose();
        }

        runOptions.Dispose();
        session.Dispose();
    }

    // The output is allocated with the shape a plain run produced, so symbolic dimensions need no flag.
    private OrtIoBinding Bind()
    {
        long[] shape;
        using (var results = session.Run(runOptions, inputNames, inputs, outputNames))
        {
            shape = results[0].GetTensorTypeAndShape().Shape;
        }

        boundOutput = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape);
        binding = session.CreateIoBinding();
        for (var i = 0; i < inputs.Length; i++)
        {
            binding.BindInput(inputNames[i], inputs[i]);
        }

        binding.BindOutput(outputNames[0], boundOutput);
        return binding;
    }

    // The same fixed values the harness feeds our side and the node peer.
    private static float[] Pattern(long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var k = 0; k < data.Length; k++)
        {
            data[k] = ((k % 17) - 8) / 8f;
        }

        return data;
    }
}
