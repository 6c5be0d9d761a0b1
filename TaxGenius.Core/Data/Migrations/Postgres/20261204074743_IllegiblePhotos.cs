using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IllegiblePhotos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Illegible",
                table: "DocumentRecognitions",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Illegible",
                table: "DocumentRecognitions");
        }
    }
}
