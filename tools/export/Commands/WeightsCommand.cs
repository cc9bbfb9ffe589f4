using System.CommandLine;
using System.Security.Cryptography;
using OnnxVideo.CommandLine;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.ExportTool.Commands;

/// <summary><c>onnxvideo-export weights</c>: a zoo model's parameters (e.g. a trained best/model.onnx) as safetensors for <c>create --weights</c>.</summary>
public static class WeightsCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model of the architecture, e.g. a run's best/model.onnx", Required = true };
        var arch = new Option<string>("--arch") { Description = "Its zoo architecture (see 'onnxvideo-export list')", Required = true };
        var output = new Option<string>("--out") { Description = "The safetensors file to write", Required = true };
        var command = new Command("weights", "Write a zoo model's parameters and BatchNorm statistics as safetensors, to start other models from (create --weights)");
        command.Options.Add(model);
        command.Options.Add(arch);
        command.Options.Add(output);
        command.SetHandler((parse, _) =>
        {
            var modelPath = parse.GetValue(model)!;
            if (!File.Exists(modelPath))
            {
                throw new UserFileException(modelPath, "model not found");
            }
            var architecture = ModelZoo.Get(parse.GetValue(arch)!);
            var tensors = ZooWeightsExport.Extract(architecture, OnnxModelFile.Load(modelPath), modelPath);
            var outPath = parse.GetValue(output)!;
            UserFileException.Guard(outPath, "cannot write the weights", () =>
                SafetensorsWriter.WriteFile(outPath, tensors, new Dictionary<string, string> { ["architecture"] = architecture.Name }));
            using var stream = File.OpenRead(outPath);
            var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            Console.WriteLine($"wrote {outPath}: {tensors.Count} tensors of {architecture.Name}, {new FileInfo(outPath).Length:N0} bytes, sha256 {sha}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
