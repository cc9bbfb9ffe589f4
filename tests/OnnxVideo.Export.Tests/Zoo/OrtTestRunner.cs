using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;

namespace OnnxVideo.Export.Tests.Zoo;

/// <summary>Runs a model in ONNX Runtime on the CPU with one float input and returns every output.</summary>
internal static class OrtTestRunner
{
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(ModelProto model, string inputName, float[] input, params long[] shape)
    {
        var options = new OrtSessionOptions { IntraOpThreads = 2, InterOpThreads = 1 };
        using var session = new OrtSession(OnnxModelFile.ToBytes(model), options, model.Graph.Name);
        using var value = OrtValue.CreateTensor(input, shape);
        var outputs = session.Run([inputName], [value]);
        var result = new Dictionary<string, (float[], long[])>();
        for (var i = 0; i < outputs.Length; i++)
        {
            using var output = outputs[i];
            result[session.OutputNames[i]] = (output.ToArray<float>(), output.Shape);
        }
        return result;
    }

    public static float MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }
        return max;
    }
}
