using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

public sealed class TensorTypeTests
{
    [Fact]
    public void EveryElementTypeRoundTripsThroughOps()
    {
        var g = new GraphBuilder("types");
        g.Output(g.Node("Add", [g.Input("f16", DataType.Float16, 3), "f16"]), DataType.Float16, 3);
        g.Output(g.Node("Add", [g.Input("i64", DataType.Int64, 3), "i64"]), DataType.Int64, 3);
        g.Output(g.Node("Add", [g.Input("i32", DataType.Int32, 3), "i32"]), DataType.Int32, 3);
        g.Output(g.Node("Identity", [g.Input("u8", DataType.Uint8, 3)]), DataType.Uint8, 3);
        g.Output(g.Node("Not", [g.Input("flags", DataType.Bool, 3)]), DataType.Bool, 3);
        g.Output(g.Node("Add", [g.Input("f64", DataType.Double, 3), "f64"]), DataType.Double, 3);
        using var session = new OrtSession(TestModels.ToBytes(g));

        using var f16 = OrtValue.CreateTensor(new[] { (Half)0.5f, (Half)(-1.25f), (Half)3f }, 3);
        using var i64 = OrtValue.CreateTensor(new[] { long.MaxValue / 4, -7L, 0L }, 3);
        using var i32 = OrtValue.CreateTensor(new[] { 1, -2, 1 << 20 }, 3);
        using var u8 = OrtValue.CreateTensor(new byte[] { 0, 128, 255 }, 3);
        using var flags = OrtValue.CreateTensor(new[] { true, false, true }, 3);
        using var f64 = OrtValue.CreateTensor(new[] { Math.PI, -1e300, 0.1 }, 3);
        var outputs = session.Run(["f16", "i64", "i32", "u8", "flags", "f64"], [f16, i64, i32, u8, flags, f64]);
        try
        {
            Assert.Equal(new[] { (Half)1f, (Half)(-2.5f), (Half)6f }, outputs[0].ToArray<Half>());
            Assert.Equal(new[] { long.MaxValue / 4 * 2, -14L, 0L }, outputs[1].ToArray<long>());
            Assert.Equal(new[] { 2, -4, 1 << 21 }, outputs[2].ToArray<int>());
            Assert.Equal(new byte[] { 0, 128, 255 }, outputs[3].ToArray<byte>());
            Assert.Equal(new[] { false, true, false }, outputs[4].ToArray<bool>());
            Assert.Equal(new[] { 2 * Math.PI, -2e300, 0.2 }, outputs[5].ToArray<double>());
            Assert.Equal(
                [TensorElementType.Float16, TensorElementType.Int64, TensorElementType.Int32, TensorElementType.UInt8, TensorElementType.Bool, TensorElementType.Double],
                outputs.Select(o => o.ElementType));
            Assert.Throws<InvalidOperationException>(() => outputs[0].GetTensorSpan<float>());
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }

    [Fact]
    public void TensorsOverCallerMemoryAreNotCopied()
    {
        using var session = new OrtSession(TestModels.Add());
        var a = new float[] { 1, 2, 3, 4 };
        var b = new float[4];
        using var av = OrtValue.CreateTensor(a, 1, 4);
        using var bv = OrtValue.CreateTensor(b, 1, 4);
        a[2] = 100;
        using var first = session.Run(["a", "b"], [av, bv])[0];
        Assert.Equal(new float[] { 1, 2, 100, 4 }, first.ToArray<float>());

        // Writing through the value's span writes the caller's array.
        av.GetTensorSpan<float>()[0] = -5;
        Assert.Equal(-5, a[0]);
    }

    [Fact]
    public void OrtAllocatedTensorsAreWritableAndRun()
    {
        using var session = new OrtSession(TestModels.Add());
        using var a = OrtValue.AllocateTensor<float>(1, 4);
        using var b = OrtValue.AllocateTensor(TensorElementType.Float, [1, 4], OrtAllocator.Default);
        new float[] { 1, 2, 3, 4 }.CopyTo(a.GetTensorSpan<float>());
        b.GetTensorSpan<float>().Fill(0.5f);
        using var sum = session.Run(["a", "b"], [a, b])[0];
        Assert.Equal(new float[] { 1.5f, 2.5f, 3.5f, 4.5f }, sum.ToArray<float>());
        Assert.Equal(4, a.ElementCount);
        Assert.True(a.IsTensor);
        Assert.Equal(OnnxValueType.Tensor, a.ValueType);
        Assert.Equal(OrtMemoryInfo.CpuName, a.MemoryInfo.DeviceName);
    }

    [Fact]
    public void ShapeAndBufferMismatchIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => OrtValue.CreateTensor(new float[5], 1, 4));
        Assert.Contains("holds 4 elements but the buffer has 5", error.Message);
    }

    [Fact]
    public void RunIntoCallerOutputsWritesThem()
    {
        using var session = new OrtSession(TestModels.Add());
        var result = new float[4];
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 4);
        using var sum = OrtValue.CreateTensor(result, 1, 4);
        session.Run(["a", "b"], [a, a], ["sum"], [sum]);
        Assert.Equal(new float[] { 2, 4, 6, 8 }, result);
    }
}
