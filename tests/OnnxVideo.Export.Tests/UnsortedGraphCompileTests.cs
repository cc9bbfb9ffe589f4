using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Models.Tuning;

namespace OnnxVideo.Export.Tests;

/// <summary>ONNX Runtime runs graphs whose nodes are not in topological order; compiling one must not go wrong.</summary>
public class UnsortedGraphCompileTests
{
    [Fact]
    public void NodesListedBackwardsCompileToTheSameTrainingGraphs()
    {
        var sorted = TinyModels.Mlp3d();
        var backwards = sorted.Clone();
        var reversed = backwards.Graph.Node.Reverse().ToList();
        backwards.Graph.Node.Clear();
        backwards.Graph.Node.AddRange(reversed);
        var options = new TrainingPackageOptions { Tuning = TuningSpec.Parse("full") };

        var expected = TrainingGraphCompiler.Compile(sorted, options);
        var actual = TrainingGraphCompiler.Compile(backwards, options);

        Assert.NotEqual(sorted.Graph.Node[0].Name, backwards.Graph.Node[0].Name);
        Assert.Equal(expected.Gradients, actual.Gradients);
        Assert.Equal(expected.TrainStep, actual.TrainStep);
        Assert.Equal(expected.Eval, actual.Eval);
    }
}
