using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

/// <summary>The CPU arena's statistics and an arena registered in the environment with another extend strategy (issue 17).</summary>
public sealed class CpuArenaTests
{
    private const int Elements = 1 << 20;

    /// <summary>y = (x + x) · x over [1, 2^20] floats: the 4 MiB intermediate x + x comes from the session's arena.</summary>
    private static byte[] TwoStepModel()
    {
        var g = new GraphBuilder("two_step");
        var x = g.Input("x", DataType.Float, 1, Elements);
        var doubled = g.Node("Add", [x, x]);
        g.Output(TestModels.Rename(g, g.Node("Mul", [doubled, x]), "y"), DataType.Float, 1, Elements);
        return TestModels.ToBytes(g);
    }

    private static float[] Run(OrtSession session)
    {
        var input = TestData.Random(Elements, 5);
        using var x = OrtValue.CreateTensor(input, 1, Elements);
        var outputs = session.Run(["x"], [x]);
        var y = outputs[0].ToArray<float>();
        foreach (var output in outputs)
        {
            output.Dispose();
        }
        Assert.Equal(2 * input[17] * input[17], y[17]);
        return y;
    }

    [Fact]
    public void TheSessionsArenaReportsThePeakOfARun()
    {
        using var session = new OrtSession(TwoStepModel(), new OrtSessionOptions { IntraOpThreads = 1 });
        Run(session);
        using var allocator = session.CreateAllocator(OrtMemoryInfo.Cpu);
        var statistics = allocator.GetStatistics();
        Assert.True(long.Parse(statistics["MaxInUse"]) >= 4L * Elements, $"MaxInUse {statistics["MaxInUse"]}");
        Assert.True(long.Parse(statistics["TotalAllocated"]) >= long.Parse(statistics["MaxInUse"]));
        Assert.True(long.Parse(statistics["NumAllocs"]) > 0);
    }

    [Fact]
    public void SessionsThatAskForTheEnvironmentsArenaShareIt()
    {
        // The only test that registers one: the environment keeps it for the rest of the process.
        OrtEnvironment.Shared.RegisterCpuArena(OrtArenaExtendStrategy.SameAsRequested);
        OrtSessionOptions Shared()
        {
            var options = new OrtSessionOptions { IntraOpThreads = 1 };
            options.ConfigEntries["session.use_env_allocators"] = "1";
            return options;
        }
        using var first = new OrtSession(TwoStepModel(), Shared());
        using var second = new OrtSession(TwoStepModel(), Shared());
        using var own = new OrtSession(TwoStepModel(), new OrtSessionOptions { IntraOpThreads = 1 });
        Assert.Equal(Run(own), Run(first));

        // The second session has not run, yet its arena has seen the first one's intermediate.
        using var secondArena = second.CreateAllocator(OrtMemoryInfo.Cpu);
        Assert.True(long.Parse(secondArena.GetStatistics()["MaxInUse"]) >= 4L * Elements);
        using var unrun = new OrtSession(TwoStepModel(), new OrtSessionOptions { IntraOpThreads = 1 });
        using var unrunArena = unrun.CreateAllocator(OrtMemoryInfo.Cpu);
        Assert.Equal("0", unrunArena.GetStatistics()["MaxInUse"]);
    }
}
