using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

public sealed class IoBindingTests
{
    private static byte[] ConvSoftmaxModel()
    {
        var g = new GraphBuilder("conv_softmax");
        var x = g.Input("x", DataType.Float, 1, 2, 4, 6, 6);
        var conv = g.Node("Conv", [x, g.Initializer("w", TestData.Random(4 * 2 * 27, 21), 4, 2, 3, 3, 3)], new Dictionary<string, object>
        {
            ["pads"] = new long[] { 1, 1, 1, 1, 1, 1 },
        });
        g.Output(TestModels.Rename(g, g.Node("GlobalAveragePool", [conv]), "pooled"), DataType.Float, 1, 4, 1, 1, 1);
        var flat = g.Node("Flatten", ["pooled"]);
        g.Output(TestModels.Rename(g, g.Node("Softmax", [flat]), "probabilities"), DataType.Float, 1, 4);
        return TestModels.ToBytes(g);
    }

    [Fact]
    public void BindingResultsEqualPlainRun()
    {
        using var session = new OrtSession(ConvSoftmaxModel());
        var input = TestData.Random(2 * 4 * 6 * 6, 22);
        using var x = OrtValue.CreateTensor(input, 1, 2, 4, 6, 6);
        var plain = session.Run(["x"], [x]);
        var expectedPooled = plain[0].ToArray<float>();
        var expectedProbabilities = plain[1].ToArray<float>();
        foreach (var value in plain)
        {
            value.Dispose();
        }

        // Outputs bound to caller memory.
        var pooled = new float[4];
        var probabilities = new float[4];
        using var pooledValue = OrtValue.CreateTensor(pooled, 1, 4, 1, 1, 1);
        using var probabilitiesValue = OrtValue.CreateTensor(probabilities, 1, 4);
        using var binding = session.CreateIoBinding();
        binding.BindInput("x", x);
        binding.BindOutput("pooled", pooledValue);
        binding.BindOutput("probabilities", probabilitiesValue);
        for (var i = 0; i < 3; i++)
        {
            session.RunWithBinding(binding);
            Assert.Equal(expectedPooled, pooled);
            Assert.Equal(expectedProbabilities, probabilities);
        }

        Assert.Equal(["pooled", "probabilities"], binding.GetOutputNames());

        // Outputs bound to a device: ORT allocates them, GetOutputValues hands them over.
        binding.ClearBoundOutputs();
        binding.BindOutputToDevice("probabilities", OrtMemoryInfo.Cpu);
        session.RunWithBinding(binding);
        binding.SynchronizeOutputs();
        var values = binding.GetOutputValues();
        Assert.Single(values);
        using (values[0])
        {
            Assert.Equal(expectedProbabilities, values[0].ToArray<float>());
        }

        // New input data in the same bound memory is picked up without rebinding.
        TestData.Random(input.Length, 23).CopyTo(input, 0);
        session.RunWithBinding(binding);
        using var fresh = session.Run(["x"], [x], ["probabilities"])[0];
        var rebound = binding.GetOutputValues();
        using (rebound[0])
        {
            Assert.Equal(fresh.ToArray<float>(), rebound[0].ToArray<float>());
        }
    }

    [Fact]
    public void SteadyStateBindingRunsAllocateNothingManaged()
    {
        using var session = new OrtSession(TestModels.Add(), new OrtSessionOptions { IntraOpThreads = 1 });
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
        using var sum = OrtValue.CreateTensor(new float[4], 1, 4);
        using var binding = session.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", a);
        binding.BindOutput("sum", sum);
        var outputs = new[] { sum };
        string[] inputNames = ["a", "b"], outputNames = ["sum"];
        var inputs = new[] { a, a };
        for (var i = 0; i < 10; i++)
        {
            session.RunWithBinding(binding);
            session.Run(inputNames, inputs, outputNames, outputs);
            _ = sum.GetTensorSpan<float>()[0];
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0f;
        for (var i = 0; i < 1000; i++)
        {
            session.RunWithBinding(binding);
            total += sum.GetTensorSpan<float>()[3];
        }

        var afterBinding = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            session.Run(inputNames, inputs, outputNames, outputs);
        }

        var afterRunInto = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(8000f, total);
        Assert.Equal(0, afterBinding - before);
        Assert.Equal(0, afterRunInto - afterBinding);
    }

    [Fact]
    public void ClearedInputsMakeTheRunFailWithOrtsMessage()
    {
        using var session = new OrtSession(TestModels.Add());
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
        using var binding = session.CreateIoBinding();
        binding.BindInput("a", a);
        binding.BindInput("b", a);
        binding.BindOutputToDevice("sum", OrtMemoryInfo.Cpu);
        session.RunWithBinding(binding);
        binding.ClearBoundInputs();
        var error = Assert.Throws<OrtException>(() => session.RunWithBinding(binding));
        Assert.NotEmpty(error.OrtMessage);
    }

    [Fact]
    public void UnknownNamesAreRejectedWithTheModelsNames()
    {
        using var session = new OrtSession(TestModels.Add());
        using var a = OrtValue.CreateTensor(new float[4], 1, 4);
        using var binding = session.CreateIoBinding();
        var error = Assert.Throws<ArgumentException>(() => binding.BindInput("c", a));
        Assert.Contains("no input named 'c'", error.Message);
        Assert.Contains("a, b", error.Message);
    }

    [Fact]
    public void SessionAllocatorServesCpuMemory()
    {
        using var session = new OrtSession(TestModels.Add());
        using var allocator = session.CreateAllocator(OrtMemoryInfo.Cpu);
        Assert.Equal(OrtMemoryInfo.CpuName, allocator.MemoryInfo.DeviceName);
        using var a = OrtValue.AllocateTensor(TensorElementType.Float, [1, 4], allocator);
        a.GetTensorSpan<float>().Fill(2);
        using var sum = session.Run(["a", "b"], [a, a])[0];
        Assert.Equal(new float[] { 4, 4, 4, 4 }, sum.ToArray<float>());

        var block = OrtAllocator.Default.Allocate(64);
        Assert.NotEqual(0, block);
        OrtAllocator.Default.Free(block);
    }

    [Fact]
    public void MemoryInfoReportsWhatItWasCreatedWith()
    {
        using var info = new OrtMemoryInfo(OrtMemoryInfo.CpuName, OrtAllocatorType.Device, 0, OrtMemoryType.Default);
        Assert.Equal("Cpu", info.DeviceName);
        Assert.Equal(0, info.DeviceId);
        Assert.Equal(OrtAllocatorType.Device, info.AllocatorType);
        Assert.Equal(OrtMemoryType.Default, info.MemoryType);
    }
}
