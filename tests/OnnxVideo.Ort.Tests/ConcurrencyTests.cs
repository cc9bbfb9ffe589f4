using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public void SixteenThreadsShareOneSessionAndMatchSerialResults()
    {
        const int threads = 16, runsPerThread = 200, features = 8, classes = 5;
        var g = new GraphBuilder("mlp");
        var x = g.Input("x", DataType.Float, 1, features);
        var hidden = g.Node("Relu", [g.Node("Gemm", [x, g.Initializer("w1", TestData.Random(16 * features, 31), 16, features)], new Dictionary<string, object> { ["transB"] = 1L })]);
        var logits = g.Node("Gemm", [hidden, g.Initializer("w2", TestData.Random(classes * 16, 32), classes, 16)], new Dictionary<string, object> { ["transB"] = 1L });
        g.Output(g.Node("Softmax", [logits]), DataType.Float, 1, classes);
        using var session = new OrtSession(TestModels.ToBytes(g), new OrtSessionOptions { IntraOpThreads = 1 });

        // Distinct input per (thread, run) so crossed wires between threads would show.
        float[] Input(int thread, int run) => TestData.Random(features, 1000 + thread * runsPerThread + run);
        var serial = new float[threads, runsPerThread][];
        for (var t = 0; t < threads; t++)
        for (var r = 0; r < runsPerThread; r++)
        {
            using var value = OrtValue.CreateTensor(Input(t, r), 1, features);
            using var output = session.Run(["x"], [value])[0];
            serial[t, r] = output.ToArray<float>();
        }

        var mismatches = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var r = 0; r < runsPerThread; r++)
            {
                using var value = OrtValue.CreateTensor(Input(t, r), 1, features);
                using var output = session.Run(["x"], [value])[0];
                if (!output.GetTensorSpan<float>().SequenceEqual(serial[t, r]))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });
        Assert.Equal(0, mismatches);
    }
}
