using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Ort;
using OnnxVideo.Packaging;
using OnnxVideo.Testing;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Knowledge distillation compiled into the training graphs (<c>package --distill</c>): the loss and parameter
/// gradients of the gradients graph against PyTorch's kl_div and autograd, the teacher input only in the training
/// graphs, and the bad specs refused naming the flag.
/// </summary>
public sealed class PackageDistillationTests
{
    private const int Classes = 4;
    private const int Features = 8;

    /// <summary>video [N, 2, 1, 2, 2] → Flatten → Gemm(transB) "head" [4, 8] → logits.</summary>
    private static (ModelProto Model, float[] Weight, float[] Bias) LinearModel()
    {
        var random = new Random(11);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var (weight, bias) = (R(Classes * Features), R(Classes));
        var g = new GraphBuilder("linear");
        var x = g.Input("video", DataType.Float, "N", 2, 1, 2, 2);
        var logits = g.Node("Gemm", [g.Node("Flatten", [x]), g.Initializer("head.weight", weight, Classes, Features), g.Initializer("head.bias", bias, Classes)],
            new Dictionary<string, object> { ["transB"] = 1L }, name: "logits");
        g.Output(logits, DataType.Float, "N", Classes);
        return (OnnxModels.Create(g.Graph, 17), weight, bias);
    }

    [Fact]
    public void Distillation_loss_and_gradients_match_PyTorch()
    {
        var (model, weight, bias) = LinearModel();
        var distillation = new PackageDistillationEntry(OldClasses: 2, Temperature: 2f, Weight: 0.7f);
        var compiled = TrainingGraphCompiler.Compile(model, new TrainingPackageOptions { Tuning = TuningSpec.Parse("full"), Distillation = distillation });
        const int n = 3;
        var random = new Random(5);
        var x = Enumerable.Range(0, n * Features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var teacher = Enumerable.Range(0, n * 2).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        int[] labels = [0, 3, 1];
        var targets = new float[n * Classes];
        for (var i = 0; i < n; i++)
        {
            targets[i * Classes + labels[i]] = 1;
        }

        using var session = new OrtSession(OnnxModelFile.ToBytes(compiled.Gradients), new OrtSessionOptions { IntraOpThreads = 1 }, "gradients");
        string[] inputs = ["video", "targets", "teacher_logits", "head.weight", "head.bias"];
        Assert.Equal(inputs.Order(), session.InputNames.Order());
        var values = new[]
        {
            OrtValue.CreateTensor(x, n, 2, 1, 2, 2), OrtValue.CreateTensor(targets, n, Classes), OrtValue.CreateTensor(teacher, n, 2),
            OrtValue.CreateTensor(weight, Classes, Features), OrtValue.CreateTensor(bias, Classes),
        };
        var outputs = session.Run(inputs, values, ["loss", "head.weight.grad", "head.bias.grad"]);
        var (loss, weightGrad, biasGrad) = (outputs[0].ToArray<float>()[0], outputs[1].ToArray<float>(), outputs[2].ToArray<float>());
        foreach (var v in values.Concat(outputs))
        {
            v.Dispose();
        }

        var reference = PythonReference.Run("distillation_reference.py", new
        {
            n, classes = Classes, old_classes = 2, temperature = 2.0, weight = 0.7, x, w = weight, b = bias, targets, teacher,
        });
        Assert.True(reference["kd"]!.GetValue<double>() > 0.05, "the teacher should disagree with the student enough to matter");
        Assert.Equal(reference["loss"]!.GetValue<double>(), loss, 1e-5);
        Assert.Equal(PythonReference.Floats(reference["w_grad"]), weightGrad, new ToleranceComparer(1e-5f, 0));
        Assert.Equal(PythonReference.Floats(reference["b_grad"]), biasGrad, new ToleranceComparer(1e-5f, 0));
    }

    [Fact]
    public void Teacher_logits_are_an_input_of_the_training_graphs_only()
    {
        var (model, _, _) = LinearModel();
        var compiled = TrainingGraphCompiler.Compile(model, new TrainingPackageOptions { Tuning = TuningSpec.Parse("head"), Distillation = new(3, 1f, 1f) });
        foreach (var graph in new[] { compiled.TrainStep, compiled.Gradients })
        {
            var teacher = graph.Graph.Input.Single(i => i.Name == "teacher_logits");
            Assert.Equal(3, teacher.Type.TensorType.Shape.Dim[1].DimValue);
        }
        Assert.DoesNotContain(compiled.Eval.Graph.Input, i => i.Name == "teacher_logits");
        Assert.Equal("teacher_logits", compiled.Io.TeacherLogits);
        Assert.Null(TrainingGraphCompiler.Compile(model, new TrainingPackageOptions { Tuning = TuningSpec.Parse("head") }).Io.TeacherLogits);
    }

    [Theory]
    [InlineData("temperature=2", "old_classes=K is required")]
    [InlineData("old_classes=0", "old_classes must be at least 1")]
    [InlineData("old_classes=2,temperature=-1", "temperature must be a positive number")]
    [InlineData("old_classes=2,temperature=NaN", "temperature must be a finite number")]
    [InlineData("old_classes=2,weight=-0.5", "weight must be a number >= 0")]
    [InlineData("old_classes=2,alpha=1", "unknown key 'alpha'")]
    public void Bad_distillation_specs_are_refused_naming_the_flag(string spec, string expected)
    {
        var error = Assert.Throws<InvalidInputException>(() => PackageDistillationEntry.Parse(spec, "--distill"));
        Assert.Equal("--distill", error.Input);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Old_classes_must_leave_new_classes()
    {
        var (model, _, _) = LinearModel();
        var error = Assert.Throws<TrainingPackageException>(() =>
            TrainingGraphCompiler.Compile(model, new TrainingPackageOptions { Distillation = new(Classes, 2f, 1f) }, "linear.onnx"));
        Assert.Contains("old_classes=4 must be below the model's 4 classes", error.Message, StringComparison.Ordinal);
    }
}
