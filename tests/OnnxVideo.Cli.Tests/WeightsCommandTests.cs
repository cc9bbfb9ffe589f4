using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Cli.Tests;

/// <summary><c>onnxvideo-export weights</c>: a zoo model's parameters out as safetensors, and back in with <c>create --weights</c>.</summary>
public sealed class WeightsCommandTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    private static (int Exit, string Stdout, string Stderr) Export(params string[] arguments) =>
        CliProcess.Run("onnxvideo-export", NoEnvironment, arguments);

    [Fact]
    public void Weights_of_a_model_round_trip_through_create()
    {
        using var work = new TempDirectory();
        Assert.Equal(0, Export("create", "--arch", "tiny3d", "--classes", "3", "--frames", "4", "--size", "32", "--seed", "5", "--out", work.File("a.onnx")).Exit);

        var (exit, output, error) = Export("weights", "--model", work.File("a.onnx"), "--arch", "tiny3d", "--out", work.File("w.safetensors"));

        Assert.True(exit == 0, error);
        Assert.Contains("22 tensors of tiny3d", output);
        var original = OnnxModelFile.Load(work.File("a.onnx")).Graph.Initializer.ToDictionary(t => t.Name);
        using (var file = SafetensorsFile.Open(work.File("w.safetensors")))
        {
            Assert.Equal(22, file.Tensors.Count);
            Assert.All(file.Tensors, t => Assert.Equal(TensorProtos.ToFloats(original[t.Name]), file.ReadFloats(t.Name)));
        }
        Assert.Equal(0, Export("create", "--arch", "tiny3d", "--classes", "3", "--frames", "4", "--size", "32", "--weights", work.File("w.safetensors"), "--out", work.File("b.onnx")).Exit);
        var rebuilt = OnnxModelFile.Load(work.File("b.onnx")).Graph.Initializer.Single(t => t.Name == "stages.2.0.weight");
        Assert.Equal(TensorProtos.ToFloats(original["stages.2.0.weight"]), TensorProtos.ToFloats(rebuilt));
    }

    [Fact]
    public void A_model_of_another_architecture_is_refused_naming_what_is_missing()
    {
        using var work = new TempDirectory();
        Assert.Equal(0, Export("create", "--arch", "tiny3d", "--classes", "3", "--frames", "8", "--size", "32", "--out", work.File("a.onnx")).Exit);

        var (exit, _, error) = Export("weights", "--model", work.File("a.onnx"), "--arch", "r3d_18", "--out", work.File("w.safetensors"));

        Assert.Equal(2, exit);
        Assert.Contains("weights do not fit r3d_18", error);
        Assert.Contains("missing: stem.0.weight", error);
        Assert.False(File.Exists(work.File("w.safetensors")));
    }
}
