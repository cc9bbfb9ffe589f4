using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Export.Tests;

/// <summary>Runs a model in ONNX Runtime (CPU) and compares float outputs.</summary>
internal static class ImportTestsOrt
{
    public static Dictionary<string, (long[] Shape, float[] Data)> Run(ModelProto model, float[] input, long[] shape)
    {
        using var session = new OrtSession(OnnxModelFile.ToBytes(model), new OrtSessionOptions { IntraOpThreads = 2 });
        using var x = OrtValue.CreateTensor(input, shape);
        var outputs = session.Run([session.InputNames[0]], [x]);
        try
        {
            return session.OutputNames.Select((name, i) => (name, outputs[i]))
                .ToDictionary(p => p.name, p => (p.Item2.Shape, p.Item2.ToArray<float>()));
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs((double)expected[i] - actual[i]);
            if (!(d <= worst))
            {
                worst = d;
                at = i;
            }
        }
        Assert.True(worst <= tolerance, $"max abs difference {worst:G4} at {at} (expected {expected[Math.Max(at, 0)]}, got {actual[Math.Max(at, 0)]}) exceeds {tolerance}");
    }
}
